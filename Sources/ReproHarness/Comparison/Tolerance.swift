public import ReproTensor

/// The relative and absolute tolerance of a closeness check: `actual` is close to `expected` when
/// `|actual - expected| <= atol + rtol * |expected|`.
///
/// The defaults per dtype are PyTorch's `torch.testing.assert_close` table (PyTorch 2.13,
/// `torch/testing/_comparison.py`, `_DTYPE_PRECISIONS`):
///
/// | dtype                 | rtol   | atol  |
/// |-----------------------|--------|-------|
/// | float16               | 1e-3   | 1e-5  |
/// | bfloat16              | 1.6e-2 | 1e-5  |
/// | float32, complex64    | 1.3e-6 | 1e-5  |
/// | float64, complex128   | 1e-7   | 1e-7  |
/// | integers, bool        | 0      | 0     |
///
/// ```swift
/// Tolerance.default(for: .float16)               // rtol 0.001, atol 1e-05
/// Tolerance(relative: 0, absolute: 0).isExact    // true: values must be equal
/// ```
public struct Tolerance: Sendable, Hashable, Codable {
  /// The relative tolerance (`rtol`).
  public var relative: Double
  /// The absolute tolerance (`atol`).
  public var absolute: Double

  /// Creates a tolerance.
  ///
  /// - Parameters:
  ///   - relative: `rtol`, a factor of `|expected|`.
  ///   - absolute: `atol`, in the units of the values.
  public init(relative: Double, absolute: Double) {
    self.relative = relative
    self.absolute = absolute
  }

  /// No tolerance: the values must be equal (`rtol = atol = 0`).
  public static let exact = Tolerance(relative: 0, absolute: 0)

  /// Whether both tolerances are zero, which makes the check an equality check ("not equal!"
  /// instead of "not close!" in messages).
  public var isExact: Bool { relative == 0 && absolute == 0 }

  /// PyTorch's default tolerance for one dtype (see the table on the type).
  public static func `default`(for dtype: DType) -> Tolerance {
    switch dtype {
    case .float16: Tolerance(relative: 0.001, absolute: 1e-5)
    case .bfloat16: Tolerance(relative: 0.016, absolute: 1e-5)
    case .float32, .complex64: Tolerance(relative: 1.3e-6, absolute: 1e-5)
    case .float64, .complex128: Tolerance(relative: 1e-7, absolute: 1e-7)
    case .int8, .uint8, .int16, .int32, .int64, .bool: .exact
    }
  }

  /// The loosest default of two dtypes, as `default_tolerances(actual, expected)` picks when the
  /// dtypes differ and dtype checking is off: the larger rtol and the larger atol.
  public static func `default`(for first: DType, _ second: DType) -> Tolerance {
    let a = Tolerance.default(for: first)
    let b = Tolerance.default(for: second)
    return Tolerance(
      relative: Swift.max(a.relative, b.relative), absolute: Swift.max(a.absolute, b.absolute))
  }
}
