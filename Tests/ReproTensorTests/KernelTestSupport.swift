import Foundation
import ReproTestSupport
import Testing

@testable import ReproTensor

/// PyTorch-made vectors from Scripts/make_kernel_vectors.py (Golden/pytorch/kernels).
enum KernelGolden {
  /// The decoded cases (re-read on each access: `[String: Any]` is not Sendable).
  static var cases: [String: Any] {
    (try? TestJSON.object(golden: "pytorch/kernels/kernels.json"))?["cases"] as? [String: Any]
      ?? [:]
  }

  static func list(_ name: String) -> [[String: Any]] { cases[name] as? [[String: Any]] ?? [] }

  /// Decodes `{"dtype", "shape", "hex"}` into a contiguous tensor.
  static func tensor(_ any: Any?) -> Tensor? {
    guard let d = any as? [String: Any], let name = d["dtype"] as? String,
      let dtype = DType(pytorchName: name),
      let shape = d["shape"] as? [Int], let hex = d["hex"] as? String
    else { return nil }
    var bytes: [UInt8] = []
    var it = hex.utf8.makeIterator()
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
    while let hi = it.next(), let lo = it.next() { bytes.append(nibble(hi) << 4 | nibble(lo)) }
    return try? Tensor(
      storage: Storage(bytes: bytes), dtype: dtype, shape: shape,
      strides: Tensor.contiguousStrides(for: shape))
  }
}

/// The tensor with every element converted to `dtype` by PyTorch's cast rules (test helper).
func cast(_ t: Tensor, to dtype: DType) -> Tensor {
  let out = Tensor(zeros: t.shape, dtype: dtype)
  for (i, s) in t.scalars().enumerated() { out.setScalar(s, atStorageIndex: i) }
  return out
}

/// Deterministic values in [-2, 2) (a small LCG; no RNG dependency).
func testValues(_ n: Int, seed: UInt64) -> [Double] {
  var s = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
  return (0..<n).map { _ in
    s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(s >> 11) / Double(1 << 53) * 4 - 2
  }
}

func randomTensor(_ shape: [Int], _ dtype: DType = .float32, seed: UInt64 = 1) -> Tensor {
  let n = shape.reduce(1, *)
  let v = testValues(n, seed: seed)
  switch dtype {
  case .float32: return Tensor(v.map { Float($0) }, shape: shape)
  case .float64: return Tensor(v, shape: shape)
  default: return cast(Tensor(v, shape: shape), to: dtype)
  }
}

/// Checks `|actual - expected| <= bound` elementwise (NaNs must match), recording the worst
/// element on failure.
func expectWithin(
  _ actual: Tensor, _ expected: Tensor, bound: (Int, Double) -> Double, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
  guard actual.shape == expected.shape else { return }
  let a = actual.doubles()
  let e = expected.doubles()
  var worst: (Int, Double, Double)?
  for i in a.indices {
    if a[i].isNaN || e[i].isNaN {
      if a[i].isNaN != e[i].isNaN { worst = (i, a[i], e[i]) }
      continue
    }
    if Swift.abs(a[i] - e[i]) > bound(i, e[i]) { worst = (i, a[i], e[i]) }
  }
  #expect(
    worst == nil, "\(what): element \(worst.map { "\($0.0): \($0.1) vs \($0.2)" } ?? "")",
    sourceLocation: sourceLocation)
}

func expectClose(
  _ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectWithin(
    actual, expected, bound: { _, e in atol + rtol * Swift.abs(e) }, what,
    sourceLocation: sourceLocation)
}

func expectBitwise(
  _ actual: Tensor, _ expected: Tensor, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.dtype == expected.dtype, "\(what): dtype \(actual.dtype) vs \(expected.dtype)",
    sourceLocation: sourceLocation)
  #expect(
    actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)",
    sourceLocation: sourceLocation)
  #expect(
    actual.contiguousBytes() == expected.contiguousBytes(), "\(what): bytes differ",
    sourceLocation: sourceLocation)
}
