import Foundation
import ReproTensor

/// A Hugging Face sharded checkpoint, through `ShardedCheckpoint`: the two sharded formats differ
/// only in the files their shards are written as.
protocol ShardedCodec: CheckpointCodec {
  /// Whether shards are safetensors files (huggingface_hub's `safe_serialization`) or torch files.
  static var safeSerialization: Bool { get }
}

/// ``CheckpointFormat/shardedSafetensors``: shards are safetensors files.
enum ShardedSafeTensorsCodec: ShardedCodec {
  static let safeSerialization = true
}

/// ``CheckpointFormat/shardedTorch``: shards are `torch.save` files.
enum ShardedTorchCodec: ShardedCodec {
  static let safeSerialization = false
}

extension ShardedCodec {
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
      maxShardSize: ShardedCheckpoint.defaultMaximumShardSize, safeSerialization: safeSerialization)
  }
}
