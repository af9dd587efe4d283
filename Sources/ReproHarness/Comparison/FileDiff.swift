public import Foundation
public import ReproFormat
import ReproTensor

/// Why two checkpoint files differ (`repro diff A B`).
///
/// The structure (records, pickle opcodes,
/// metadata, tensor attributes, other values) comes from ReproFormat's ``CheckpointDiff``; each
/// tensor whose values differ gets one line from the comparison engine of `repro compare`.
///
/// ```swift
/// let diff = try FileDiff(contentsOf: a, b)
/// if !diff.isIdentical { print(diff.lines.joined(separator: "\n")) }
/// // h.5.mlp.c_fc.weight: float32 → float32, 1 of 2359296 values differ, mismatched 1 / 2359296
/// //   (rtol 1.3e-06, atol 1e-05), max abs 0.25, max rel …, max ULP … (float32), worst index …
/// ```
///
/// A tensor line gives, on values upcast to float64 (as `repro compare`): how many values
/// differ, how many lie outside `assert_close`'s default tolerance of the less precise dtype,
/// the largest absolute and relative errors, the worst flat index with both values; and the
/// greatest ULP distance counted in the less precise dtype (``LessPreciseULP``).
public struct FileDiff: Sendable {
  /// The structural comparison.
  public var structure: CheckpointDiff
  /// The explanation, one line each; empty when the files are identical.
  public var lines: [String]

  /// Whether the two files have the same bytes.
  public var isIdentical: Bool { structure.isIdentical }

  /// Compares two files, each memory-mapped (no copy; every record's CRC-32 is checked).
  ///
  /// - Parameters:
  ///   - first: the reference file.
  ///   - second: the other file.
  ///   - verbose: also list records whose bytes are equal but moved.
  /// - Throws: `FormatError` when a file cannot be mapped or read as a checkpoint.
  public init(contentsOf first: URL, _ second: URL, verbose: Bool = false) throws(FormatError) {
    self.init(try CheckpointDiff(contentsOf: first, second, verbose: verbose))
  }

  /// Renders a structural comparison, describing each pair of differing tensors with the
  /// comparison engine (pairs compared on every core).
  public init(_ structure: CheckpointDiff) {
    self.structure = structure
    var pairs: [(Int, String, Tensor, Tensor)] = []
    for (i, item) in structure.items.enumerated() {
      if case .values(let path, let a, let b) = item { pairs.append((i, path, a, b)) }
    }
    let described = ConcurrentMap.map(
      pairs, cost: { $0.2.count },
      { Self.valuesLine(path: $0.1, reference: $0.2, candidate: $0.3) })
    var byItem: [Int: String] = [:]
    for (pair, line) in zip(pairs, described) { byItem[pair.0] = line }
    lines = structure.items.enumerated().map { i, item in
      if case .line(let text) = item { return text }
      return byItem[i] ?? ""
    }
  }

  /// One tensor's line: dtypes, values that differ, mismatches beyond the default tolerance,
  /// max abs/rel error, max ULP, the worst element.
  static func valuesLine(path: String, reference: Tensor, candidate: Tensor) -> String {
    let real = isRealFloat(reference.dtype) && isRealFloat(candidate.dtype)
    var options = ComparisonOptions(checkDtype: false, checkDevice: false)
    options.tolerance = Tolerance.default(for: reference.dtype, candidate.dtype)
    let result = TensorComparison.compare(
      candidate, reference, options: options, name: path, upcastingToFloat64: real)
    var line =
      "\(path): \(reference.dtype.rawValue) → \(candidate.dtype.rawValue)"
    guard let f = result.figures else {
      return line + ", " + (result.attributeMismatch?.message ?? "values differ")
    }
    line += ", \(f.bitwiseMismatchCount) of \(f.elementCount) values differ"
    line +=
      ", mismatched \(f.mismatchCount) / \(f.elementCount) (rtol \(PythonRepr.float(f.tolerance.relative)), atol \(PythonRepr.float(f.tolerance.absolute)))"
    line += ", max abs \(PythonRepr.float(f.maxAbsoluteError))"
    line += ", max rel \(PythonRepr.float(f.maxRelativeError))"
    if real, let ulp = LessPreciseULP.greatest(reference: reference, candidate: candidate) {
      line += ", max ULP \(ulp.distance) (\(ulp.dtype.rawValue))"
    }
    if let index = f.worstIndex, let r = f.worstExpected, let c = f.worstActual {
      var flat = 0
      for (i, size) in zip(index, reference.shape) { flat = flat * size + i }
      line += ", worst index \(flat): reference \(r), candidate \(c)"
    }
    return line
  }

  private static func isRealFloat(_ d: DType) -> Bool { d.isFloatingPoint && !d.isComplex }
}
