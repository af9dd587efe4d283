/// The numbers of one tensor comparison, for messages, reports and plots.
///
/// "Mismatch" means outside the tolerance (or unequal when the tolerance is exact). The
/// `greatest…Mismatch` figures are `assert_close`'s: taken over the mismatched elements only,
/// NaN counting as greatest. The `max…Error` figures are taken over every element (a NaN
/// paired with a NaN is skipped; 0/0 counts as a relative error of 0), so they describe
/// passing comparisons too. Indices are multi-dimensional, in the tensor's logical order.
public struct ComparisonFigures: Sendable, Hashable, Codable {
  /// Number of elements compared.
  public var elementCount: Int
  /// Elements outside the tolerance.
  public var mismatchCount: Int
  /// Elements whose bytes differ.
  public var bitwiseMismatchCount: Int
  /// The tolerance used (PyTorch's default for the dtype unless overridden).
  public var tolerance: Tolerance
  /// The largest `|actual - expected|` over every element, in the dtype's arithmetic.
  public var maxAbsoluteError: Double
  /// The largest `|actual - expected| / |expected|` over every element.
  public var maxRelativeError: Double
  /// The largest distance in units in the last place of the dtype (for integers, the
  /// difference; for complex, the larger of both parts); NaN against a number is skipped.
  public var maxULPDistance: UInt64
  /// `assert_close`'s greatest absolute difference over the mismatches (nil when none).
  public var greatestAbsoluteMismatch: Double?
  /// Where `greatestAbsoluteMismatch` is.
  public var greatestAbsoluteMismatchIndex: [Int]?
  /// `assert_close`'s greatest relative difference over the mismatches (nil when none).
  public var greatestRelativeMismatch: Double?
  /// Where `greatestRelativeMismatch` is.
  public var greatestRelativeMismatchIndex: [Int]?
  /// The worst element: the greatest absolute mismatch, or without mismatches the element with
  /// the largest absolute error (nil for empty tensors).
  public var worstIndex: [Int]?
  /// The actual value at `worstIndex`, as Python prints it.
  public var worstActual: String?
  /// The expected value at `worstIndex`, as Python prints it.
  public var worstExpected: String?

  /// The share of mismatched elements (0 for empty tensors).
  public var mismatchFraction: Double {
    elementCount == 0 ? 0 : Double(mismatchCount) / Double(elementCount)
  }
}
