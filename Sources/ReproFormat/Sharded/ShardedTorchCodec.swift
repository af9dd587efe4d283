import Foundation
import ReproTensor

/// ``CheckpointFormat/shardedTorch``: a Hugging Face sharded checkpoint, through `ShardedCheckpoint`.
enum ShardedTorchCodec: CheckpointCodec {
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    throw FormatError(
      .invalidArgument,
      "a sharded checkpoint is read from its index (*.index.json) or its folder, not from one file's bytes"
    )
  }

  static func read(
    contentsOf url: URL, mapLocation: MapLocation?, policy: LoadPolicy, memoryMapped: Bool
  ) throws(FormatError) -> Checkpoint {
    try ShardedCheckpoint.load(
      contentsOf: url, mapLocation: mapLocation, policy: policy, memoryMapped: memoryMapped)
  }

  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]
  {
    throw FormatError(
      .unsupported,
      "a sharded checkpoint is a folder of files, not one file's bytes: write it to a folder")
  }

  /// Writes `url` as a folder of shards of at most 5 GB (huggingface_hub's default).
  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError) {
    try ShardedCheckpoint.save(
      checkpoint.stateDictPairs(), to: url,
      maxShardSize: ShardedCheckpoint.defaultMaximumShardSize, safeSerialization: false)
  }
}
