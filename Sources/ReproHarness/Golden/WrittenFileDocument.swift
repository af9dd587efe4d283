import Foundation
import ReproFormat
import ReproTensor

/// What a golden records about a checkpoint file Repro writes: its exact bytes (sha256 and
/// size), each zip record, and each tensor.
///
/// Any change in the writer's output changes a field,
/// and the structural diff names the record or tensor.
public struct WrittenFileDocument: Codable, Equatable, Sendable {
  /// One zip record (or, for safetensors, the header).
  public struct Record: Codable, Equatable, Sendable {
    /// Bytes (uncompressed).
    public var size: Int
    /// sha256 of the bytes.
    public var sha256: String
  }

  /// One tensor of the file.
  public struct TensorSummary: Codable, Equatable, Sendable {
    /// PyTorch dtype name.
    public var dtype: String
    /// Shape.
    public var shape: [Int]
    /// Device tag written in the file.
    public var device: String
    /// sha256 of the contiguous bytes.
    public var sha256: String
  }

  /// The container format.
  public var format: String
  /// File size in bytes.
  public var size: Int
  /// sha256 of the whole file.
  public var sha256: String
  /// Records by name (zip) or `header`/`data` (safetensors).
  public var records: [String: Record]
  /// Tensors by inventory path.
  public var tensors: [String: TensorSummary]

  /// Describes the file held in `bytes`.
  public init(bytes: [UInt8]) throws {
    size = bytes.count
    sha256 = SHA256Digest.hex(of: bytes)
    let storage = Storage(bytes: bytes)
    var records: [String: Record] = [:]
    let checkpoint = try Checkpoint.load(file: storage, policy: .trusted)
    format = checkpoint.format.inventoryName
    switch checkpoint.format {
    case .torch:
      let archive = try ZipArchive(bytes: storage)
      for entry in archive.entries {
        let data = try archive.data(for: entry)
        records[entry.name] = Record(size: data.count, sha256: SHA256Digest.hex(of: data))
      }
    case .safetensors:
      let headerLength = Int(
        bytes.prefix(8).enumerated().reduce(UInt64(0)) {
          $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        })
      let header = Array(bytes[8..<min(bytes.count, 8 + headerLength)])
      records["header"] = Record(size: header.count, sha256: SHA256Digest.hex(of: header))
      let data = Array(bytes[min(bytes.count, 8 + headerLength)...])
      records["data"] = Record(size: data.count, sha256: SHA256Digest.hex(of: data))
    case .torchLegacy:
      break
    }
    self.records = records
    var tensors: [String: TensorSummary] = [:]
    for e in Inventory(of: checkpoint).entries {
      guard let t = e.tensor else { continue }
      tensors[e.path] = TensorSummary(
        dtype: t.dtype.pytorchName, shape: t.shape, device: t.device.description,
        sha256: t.sha256Hex())
    }
    self.tensors = tensors
  }
}
