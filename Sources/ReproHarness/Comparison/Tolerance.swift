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
/// | complex32             | 1e-3   | 1e-5  |
/// | float8 (5 formats), uint16/32/64 | 0 | 0 |
///
/// torch's table has no entry for the float8 formats and the wide unsigned types, so its
/// `default_tolerances` gives them `(0.0, 0.0)`: `assert_close` compares them for equality (NaN
/// equal to NaN with `equal_nan`), and reports float8 mismatches as "Tensor-likes are not
/// 'equal'!" with the first mismatched index and no differences. Repro follows that rather than
/// invent a tolerance; pass one explicitly to compare float8 values approximately (the values
/// are then compared as float32, `|a - e| <= atol + rtol * |e|`).
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
    case .complex32: Tolerance(relative: 0.001, absolute: 1e-5)
    case .int8, .uint8, .int16, .int32, .int64, .bool, .uint16, .uint32, .uint64: .exact
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU: .exact
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
