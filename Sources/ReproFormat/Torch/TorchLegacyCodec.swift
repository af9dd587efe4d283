import Foundation
import ReproTensor

/// ``CheckpointFormat/torchLegacy``: the pre-1.6 torch format, read only.
enum TorchLegacyCodec: CheckpointCodec {
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    try TorchFile.loadLegacy(
      file: file, mapLocation: mapLocation, policy: policy, borrows: borrowsStorages)
  }

  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]
  {
    throw refusal
  }

  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError) {
    throw refusal
  }

  /// Why the legacy format is not written.
  static var refusal: FormatError {
    FormatError(
      .unsupported,
      "Repro reads the legacy torch format but does not write it: torch.save(..., _use_new_zipfile_serialization=False) names storages by their memory address, so no writer can reproduce its bytes; write the zip format (torch) instead"
    )
  }
}
