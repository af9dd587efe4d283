import Foundation
import ReproTensor

/// ``CheckpointFormat/dcp``: a `torch.distributed.checkpoint` folder, through
/// `DistributedCheckpoint` (read only).
enum DCPCodec: CheckpointCodec {
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    throw FormatError(
      .invalidArgument,
      "a torch.distributed.checkpoint is read from its folder, not from one file's bytes")
  }

  static func read(
    contentsOf url: URL, mapLocation: MapLocation?, policy: LoadPolicy, memoryMapped: Bool
  ) throws(FormatError) -> Checkpoint {
    try DistributedCheckpoint.load(contentsOf: url, mapLocation: mapLocation)
  }

  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]
  {
    throw FormatError(
      .unsupported,
      "Repro reads torch.distributed.checkpoint folders but does not write them; write the state dict as torch (what dcp_to_torch_save writes) or safetensors"
    )
  }

  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError) {
    _ = try serialized(checkpoint, archiveName: "")
  }
}
