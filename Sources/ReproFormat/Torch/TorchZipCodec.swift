import Foundation
import ReproTensor

/// ``CheckpointFormat/torch``: `torch.save`'s zip archive, through `TorchFile`.
enum TorchZipCodec: CheckpointCodec {
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    try TorchFile.loadZip(
      file: file, mapLocation: mapLocation, policy: policy, borrows: borrowsStorages)
  }

  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]
  {
    try TorchFile.serialize(checkpoint.root, archiveName: archiveName)
  }

  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError) {
    try TorchFile.save(checkpoint.root, to: url)
  }
}
