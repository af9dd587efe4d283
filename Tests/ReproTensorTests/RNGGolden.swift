import Foundation
import ReproTensor
import ReproTestSupport
import Testing

/// The PyTorch RNG goldens written by `Scripts/make_rng_vectors.py` (Golden/pytorch/rng/).
enum RNGGolden {
  struct File: Decodable, Sendable {
    var meta: Meta
    var explicit: [String: String]?
    var engine: Engine?
    var states: [StateCase]?
    var tensors: [TensorCase]
  }

  struct Meta: Decodable, Sendable {
    var torch: String
    var cpuCapability: String

    private enum CodingKeys: String, CodingKey {
      case torch
      case cpuCapability = "cpu_capability"
    }
  }

  struct Engine: Decodable, Sendable {
    var indices: [Int]
    var seeds: [String: EngineSeed]
  }

  struct EngineSeed: Decodable, Sendable {
    var values: [UInt32]
    var source: String
  }

  struct Step: Decodable, Sendable {
    var call: String
    var n: Int
    var dtype: String
  }

  struct StateCase: Decodable, Sendable, CustomTestStringConvertible {
    var name: String?
    var seed: Int64?
    var steps: [Step]?
    var length: Int
    var sha256: String
    var initialSeed: String
    var left: Int32
    var seeded: Int32
    var next: UInt64
    var normalYBits: String
    var normalIsValid: Int32
    var headHex: String
    var tailHex: String
    var testDescription: String { name ?? "state" }

    private enum CodingKeys: String, CodingKey {
      case name
      case seed
      case steps
      case length
      case sha256
      case initialSeed = "initial_seed"
      case left
      case seeded
      case next
      case normalYBits = "normal_y_bits"
      case normalIsValid = "normal_is_valid"
      case headHex = "head_hex"
      case tailHex = "tail_hex"
    }
  }

  struct Layout: Decodable, Sendable {
    var name: String
    var storageNumel: Int
    var size: [Int]
    var stride: [Int]
    var offset: Int

    private enum CodingKeys: String, CodingKey {
      case name
      case storageNumel = "storage_numel"
      case size
      case stride
      case offset
    }
  }

  struct Args: Decodable, Sendable {
    var from: Double?
    var to: Double?
    var mean: Double?
    var std: Double?
    var p: Double?
    var a: Double?
    var low: Int64?
    var high: Int64?
    var mode: String?
    var nonlinearity: String?
    var layout: Layout?
    var steps: [Step]?
  }

  struct TensorCase: Decodable, Sendable, CustomTestStringConvertible {
    var id: String
    var call: String
    var seed: Int64
    var shape: [Int]
    var dtype: String
    var args: Args?
    var numel: Int
    var sha256: String
    var bits: [String]?
    var stateAfter: StateCase?
    var testDescription: String { id }

    private enum CodingKeys: String, CodingKey {
      case id
      case call
      case seed
      case shape
      case dtype
      case args
      case numel
      case sha256
      case bits
      case stateAfter = "state_after"
    }
  }

  static func load(_ name: String) -> Result<File, any Error> {
    return Result {
      try TestJSON.decode(File.self, golden: "pytorch/rng/\(name)")
    }
  }

  /// The canonical (AVX2) goldens; a load failure is reported by `goldenFilesLoad()`.
  static let avx2 = load("vectors.json")
  /// The goldens taken under `ATEN_CPU_CAPABILITY=default`.
  static let defaultCapability = load("vectors-default.json")

  static var avx2Cases: [TensorCase] { (try? avx2.get().tensors) ?? [] }
  static var defaultCases: [TensorCase] { (try? defaultCapability.get().tensors) ?? [] }
  static var avx2States: [StateCase] { (try? avx2.get().states) ?? [] }

  /// Lowercase hex of bytes.
  static func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
  }

  /// Each element's bit pattern as hex (little-endian bytes of `width` read as one word).
  static func elementBits(_ bytes: [UInt8], width: Int) -> [String] {
    stride(from: 0, to: bytes.count, by: width).map { start in
      hex(bytes[start..<(start + width)].reversed())
    }
  }
}
