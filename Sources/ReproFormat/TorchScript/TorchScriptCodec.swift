import Foundation
import ReproTensor

/// ``CheckpointFormat/torchscript``: a `torch.jit.save` archive read as its module's state dict,
/// through `TorchScriptArchive` (read only).
enum TorchScriptCodec: CheckpointCodec {
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    try TorchScriptArchive.load(
      file: file, mapLocation: mapLocation, borrowsStorages: borrowsStorages)
  }

  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]
  {
    throw FormatError(
      .unsupported,
      "Repro reads TorchScript archives (as their state dict) but does not write them; write the state dict as torch or safetensors"
    )
  }

  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError) {
    _ = try serialized(checkpoint, archiveName: "")
  }
}
