import Foundation
import ReproTensor
import Synchronization

/// The forward-output goldens of the matrix (`Golden/matrix/<model>-s<seed>-<dtype>.json`):
/// the output of the reference kernels, element by element as bit patterns. A case on the
/// reference backend must match bitwise; BLAS backends (whose summation order depends on the
/// CPU's OpenBLAS kernel) must match within `torch.testing.assert_close`'s tolerances.
final class OutputGoldens: Sendable {
  struct Document: Codable, Equatable {
    var dtype: String
    var shape: [Int]
    var bits: [String]
  }

  private let checked = Mutex<[String: Document]>([:])

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
    return try? Tensor(storage: Storage(bytes: bytes), dtype: dtype, shape: d.shape, strides: Tensor.contiguousStrides(for: d.shape))
  }

  /// Checks the reference output against its golden once per run (recording per the store's
  /// mode), then compares `actual` with the golden values.
  func check(_ reference: Tensor, actual: Tensor, bitwise: Bool, name: String, store: GoldenStore) throws -> ComparisonResult {
    let goldenPath = "Golden/\(OutputGoldens.suite)/\(name).json"
    var document = checked.withLock { $0[name] }
    if document == nil {
      let outcome = try store.check(OutputGoldens.document(reference), suite: OutputGoldens.suite, name: name)
      guard outcome.isSuccess else {
        return ComparisonResult(
          name: "forward output", golden: goldenPath, mode: .bitwise, passed: false, summary: outcome.message)
      }
      document = OutputGoldens.document(reference)
      checked.withLock { $0[name] = document }
    }
    guard let document, let expected = OutputGoldens.tensor(document) else {
      return ComparisonResult(name: "forward output", golden: goldenPath, mode: .bitwise, passed: false, summary: "golden \(goldenPath) does not decode")
    }
    return TensorComparison.compare(actual, expected, options: bitwise ? .bitwise : .close, name: "forward output", golden: goldenPath)
  }

  static let suite = "matrix"
}
