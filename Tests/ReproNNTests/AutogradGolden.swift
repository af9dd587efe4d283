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
  let absSum: Double
  let sha256: String

  /// The recorded values as Doubles (float32/float16/bfloat16 bit patterns, or int64 text).
  var values: [Double]? {
    guard let bits else { return nil }
    // A malformed golden gives nil (the caller's #require fails) rather than a crash.
    let values: [Double?]
    switch dtype {
    case "float64": values = bits.map { UInt64($0, radix: 16).map { Double(bitPattern: $0) } }
    case "float32":
      values = bits.map { UInt32($0, radix: 16).map { Double(Float(bitPattern: $0)) } }
    case "bfloat16":
      values = bits.map {
        UInt16($0, radix: 16).map { Double(HalfPrecision.float(fromBFloat16Bits: $0)) }
      }
    case "float16":
      values = bits.map {
        UInt16($0, radix: 16).map { Double(HalfPrecision.float(fromFloat16Bits: $0)) }
      }
    default: values = bits.map { Double($0) }
    }
    let parsed = values.compactMap { $0 }
    return parsed.count == values.count ? parsed : nil
  }

  private enum CodingKeys: String, CodingKey {
    case key
    case dtype
    case shape
    case bits
    case sum
    case absSum = "abs_sum"
    case sha256
  }
}

/// One forward/backward case of cases.json.
struct AutogradCase: Decodable, Sendable, CustomTestStringConvertible {
  let name: String
  let spec: String
  let seed: Int64
  let dataSeed: UInt64
  let inputShape: [Int]
  let targetShape: [Int]
  let dtype: String
  let lossKind: String
  let mode: String
  let autocast: String?
  let output: GoldenTensor
  let loss: GoldenTensor
  let grads: [GoldenTensor]
  let buffers: [GoldenTensor]
  let dropoutMasks: [String]

  var testDescription: String { name }

  static func all() throws -> [AutogradCase] {
    struct File: Decodable { let cases: [AutogradCase] }
    return try TestJSON.decode(File.self, golden: "pytorch/autograd/cases.json").cases
  }

  private enum CodingKeys: String, CodingKey {
    case name
    case spec
    case seed
    case dataSeed = "data_seed"
    case inputShape = "input_shape"
    case targetShape = "target_shape"
    case dtype
    case lossKind = "loss_kind"
    case mode
    case autocast
    case output
    case loss
    case grads
    case buffers
    case dropoutMasks = "dropout_masks"
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
