import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One tensor recorded by Scripts/make_autograd_goldens.py.
struct GoldenTensor: Decodable, Sendable {
  let key: String
  let dtype: String
  let shape: [Int]
  let bits: [String]?
  let sum: Double
  let abs_sum: Double
  let sha256: String

  /// The recorded values as Doubles (float32/float16/bfloat16 bit patterns, or int64 text).
  var values: [Double]? {
    guard let bits else { return nil }
    switch dtype {
    case "float64": return bits.map { Double(bitPattern: UInt64($0, radix: 16)!) }
    case "float32": return bits.map { Double(Float(bitPattern: UInt32($0, radix: 16)!)) }
    case "bfloat16":
      return bits.map { Double(HalfPrecision.float(fromBFloat16Bits: UInt16($0, radix: 16)!)) }
    case "float16":
      return bits.map { Double(HalfPrecision.float(fromFloat16Bits: UInt16($0, radix: 16)!)) }
    default: return bits.map { Double($0)! }
    }
  }
}

/// One forward/backward case of cases.json.
struct AutogradCase: Decodable, Sendable, CustomTestStringConvertible {
  let name: String
  let spec: String
  let seed: Int64
  let data_seed: UInt64
  let input_shape: [Int]
  let target_shape: [Int]
  let dtype: String
  let loss_kind: String
  let mode: String
  let autocast: String?
  let output: GoldenTensor
  let loss: GoldenTensor
  let grads: [GoldenTensor]
  let buffers: [GoldenTensor]
  let dropout_masks: [String]

  var testDescription: String { name }

  static func all() throws -> [AutogradCase] {
    struct File: Decodable { let cases: [AutogradCase] }
    return try TestJSON.decode(File.self, golden: "pytorch/autograd/cases.json").cases
  }
}

/// Max abs/rel error of `got` against `want`, and whether every element passes
/// `|got − want| <= atol + rtol·|want|` (torch.allclose).
struct Closeness: CustomStringConvertible {
  var maxAbs = 0.0, maxRel = 0.0, failures = 0, count = 0, bitwise = true

  init(_ got: [Double], _ want: [Double], rtol: Double, atol: Double) {
    count = want.count
    if got.count != want.count {
      failures = Swift.max(got.count, want.count)
      bitwise = false
      return
    }
    for (a, b) in zip(got, want) {
      if a.bitPattern != b.bitPattern && !(a.isNaN && b.isNaN) { bitwise = false }
      let d = Swift.abs(a - b)
      maxAbs = Swift.max(maxAbs, d)
      if b != 0 { maxRel = Swift.max(maxRel, d / Swift.abs(b)) }
      if !(d <= atol + rtol * Swift.abs(b)) { failures += 1 }
    }
  }

  var description: String {
    "n=\(count) maxAbs=\(maxAbs) maxRel=\(maxRel) failures=\(failures)\(bitwise ? " (bitwise)" : "")"
  }
}
