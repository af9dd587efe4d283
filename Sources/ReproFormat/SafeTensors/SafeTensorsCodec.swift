import Foundation
import ReproTensor

/// ``CheckpointFormat/safetensors``: a flat name → tensor dict, through `SafeTensorsFile`.
enum SafeTensorsCodec: CheckpointCodec {
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    let loaded = try SafeTensorsFile.load(from: file)
    // Data-offset order (stable for ties), which is what the file records.
    let ordered = loaded.tensors.enumerated().sorted {
      let a = $0.element.tensor.storageOffset * $0.element.tensor.dtype.elementSize
      let b = $1.element.tensor.storageOffset * $1.element.tensor.dtype.elementSize
      return a == b ? $0.offset < $1.offset : a < b
    }.map(\.element)
    var pairs: [PicklePair] = []
    for (name, tensor) in ordered {
      var t = tensor
      if let mapLocation { t.device = try mapLocation.resolve(t.device.description) }
      pairs.append(PicklePair(.string(name), .tensor(t)))
    }
    return Checkpoint(format: .safetensors, root: .dict(pairs), metadata: loaded.metadata)
  }

  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]
  {
    try file(of: checkpoint).serialized()
  }

  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError) {
    try file(of: checkpoint).write(to: url)
  }

  /// The checkpoint's flat tensors and metadata as a safetensors file.
  static func file(of checkpoint: Checkpoint) throws(FormatError) -> SafeTensorsFile {
    SafeTensorsFile(tensors: try checkpoint.flatTensors(), metadata: checkpoint.metadata)
  }
}
