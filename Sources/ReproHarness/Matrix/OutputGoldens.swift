import Foundation
import ReproTensor
import Synchronization

/// The forward-output goldens of the matrix (`Golden/matrix/<model>-s<seed>-<dtype>.json`):
/// the output of the reference kernels, element by element as bit patterns.
///
/// A case on the
/// reference backend must match bitwise; BLAS backends (whose summation order depends on the
/// CPU's OpenBLAS kernel) must match within `torch.testing.assert_close`'s tolerances.
final class OutputGoldens: Sendable {
  struct Document: Codable, Equatable {
    var dtype: String
    var shape: [Int]
    var bits: [String]
  }

  private let checked = Mutex<[String: Document]>([:])
  private let references = Mutex<[String: Tensor]>([:])

  /// The reference-kernel output for a golden name, computed once per run.
  func reference(name: String, compute: () throws -> Tensor) rethrows -> Tensor {
    if let hit = references.withLock({ $0[name] }) { return hit }
    let t = try compute()
    references.withLock { $0[name] = t }
    return t
  }

  /// The tolerance for comparing a BLAS output with the reference-kernel golden.
  ///
  /// float32 and
  /// float64 use `assert_close`'s defaults. In float16/bfloat16 the two backends accumulate in
  /// float32 in different orders and round the result once: the outputs of a deep network
  /// (resnet18) then differ by one unit in the last place of the 16-bit format, which is at the
  /// edge of `assert_close`'s 16-bit defaults; allow two units (rtol) and one unit at 1.0 (atol).
  static func crossBackendOptions(_ dtype: DType) -> ComparisonOptions {
    var options = ComparisonOptions.close
    switch dtype {
    case .float16: options.tolerance = Tolerance(relative: 2e-3, absolute: 1e-3)
    case .bfloat16: options.tolerance = Tolerance(relative: 1.6e-2, absolute: 8e-3)
    default: break
    }
    return options
  }

  static func document(_ t: Tensor) -> Document {
    let size = t.dtype.elementSize
    let bytes = t.contiguousBytes()
    let bits = stride(from: 0, to: bytes.count, by: size).map { start -> String in
      var v: UInt64 = 0
      for k in 0..<size { v |= UInt64(bytes[start + k]) << (8 * UInt64(k)) }
      let hex = String(v, radix: 16)
      return String(repeating: "0", count: 2 * size - hex.count) + hex
    }
    return Document(dtype: t.dtype.pytorchName, shape: t.shape, bits: bits)
  }

  static func tensor(_ d: Document) -> Tensor? {
    guard let dtype = DType(pytorchName: d.dtype) else { return nil }
    let size = dtype.elementSize
    var bytes: [UInt8] = []
    bytes.reserveCapacity(d.bits.count * size)
    for h in d.bits {
      guard let v = UInt64(h, radix: 16) else { return nil }
      for k in 0..<size { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
    }
    return try? Tensor(
      storage: Storage(bytes: bytes), dtype: dtype, shape: d.shape,
      strides: Tensor.contiguousStrides(for: d.shape))
  }

  /// Checks the reference output against its golden once per run (recording per the store's
  /// mode), then compares `actual` with the golden values.
  func check(_ reference: Tensor, actual: Tensor, bitwise: Bool, name: String, store: GoldenStore)
    throws -> ComparisonResult
  {
    let goldenPath = "Golden/\(OutputGoldens.suite)/\(name).json"
    var document = checked.withLock { $0[name] }
    if document == nil {
      let outcome = try store.check(
        OutputGoldens.document(reference), suite: OutputGoldens.suite, name: name)
      guard outcome.isSuccess else {
        return ComparisonResult(
          name: "forward output", golden: goldenPath, mode: .bitwise, passed: false,
          summary: outcome.message)
      }
      document = OutputGoldens.document(reference)
      checked.withLock { $0[name] = document }
    }
    guard let document, let expected = OutputGoldens.tensor(document) else {
      return ComparisonResult(
        name: "forward output", golden: goldenPath, mode: .bitwise, passed: false,
        summary: "golden \(goldenPath) does not decode")
    }
    let options = bitwise ? .bitwise : OutputGoldens.crossBackendOptions(actual.dtype)
    return TensorComparison.compare(
      actual, expected, options: options, name: "forward output", golden: goldenPath)
  }

  static let suite = "matrix"
}
