/// How `TensorComparison` compares two tensors.
///
/// ```swift
/// var options = ComparisonOptions.close          // assert_close's defaults
/// options.tolerance = Tolerance(relative: 1e-3, absolute: 1e-5)
/// options.equalNaN = true
/// ```
public struct ComparisonOptions: Sendable, Hashable, Codable {
  /// Bitwise equality or closeness within a tolerance.
  public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
    /// dtype, shape, strides, device and every byte must be equal (NaN payloads and the sign of
    /// zero count).
    case bitwise
    /// `torch.testing.assert_close`: shape, device and dtype must match, values within tolerance.
    case close
  }

  /// The kind of check.
  public var mode: Mode
  /// The tolerance of `.close`; nil takes PyTorch's default for the dtype (see `Tolerance`).
  public var tolerance: Tolerance?
  /// Whether two NaNs are close (`equal_nan`, default false as in PyTorch).
  public var equalNaN: Bool
  /// Whether the dtypes must match (`check_dtype`).
  ///
  /// When false, both sides are promoted to a common dtype first. Always true in `.bitwise`.
  public var checkDtype: Bool
  /// Whether the device tags must match (`check_device`).
  ///
  /// Always true in `.bitwise`.
  public var checkDevice: Bool
  /// Whether the strides must match (`check_stride`, default false).
  ///
  /// Always true in `.bitwise`.
  public var checkStride: Bool
  /// The largest distance in units in the last place a floating element may have (`repro
  /// compare --max-ulp`), in place of the tolerance.
  ///
  /// In `.close` mode an element then passes when it equals the expected one (NaN with
  /// `equalNaN`) or lies at most this many representable values away; NaN against a number
  /// fails. nil (the default) uses the tolerance. Integer and bool tensors still compare
  /// exactly; ignored in `.bitwise` mode.
  public var maxULP: UInt64?

  /// Creates options; the defaults are `assert_close`'s.
  public init(
    mode: Mode = .close, tolerance: Tolerance? = nil, equalNaN: Bool = false,
    checkDtype: Bool = true,
    checkDevice: Bool = true, checkStride: Bool = false, maxULP: UInt64? = nil
  ) {
    self.maxULP = maxULP
    self.mode = mode
    self.tolerance = tolerance
    self.equalNaN = equalNaN
    self.checkDtype = checkDtype
    self.checkDevice = checkDevice
    self.checkStride = checkStride
  }

  /// Bitwise equality of everything.
  public static let bitwise = ComparisonOptions(
    mode: .bitwise, tolerance: .exact, checkStride: true)
  /// `torch.testing.assert_close` with its defaults.
  public static let close = ComparisonOptions()
}
