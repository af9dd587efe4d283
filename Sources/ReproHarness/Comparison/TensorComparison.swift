import Foundation
public import ReproTensor

/// Compares tensors bitwise or within tolerance, with `torch.testing.assert_close`'s rules,
/// defaults and messages.
///
/// ```swift
/// let result = TensorComparison.compare(loaded, golden, name: "fc.weight", golden: "Golden/mlp.pt")
/// if !result.passed { print(result.message) }
/// ```
///
/// Attributes are checked first, in PyTorch's order: shape, stride (when checked), device,
/// dtype. Then the values: in `.close` mode an element passes when it equals the expected one,
/// or both are NaN and `equalNaN` is set, or `|a - e|` is finite and at most `atol + rtol·|e|`
/// (computed in the dtype's arithmetic, see `ElementwiseDifference`). In `.bitwise` mode every
/// byte must be equal, so `-0.0` differs from `0.0` and NaN payloads count.
public enum TensorComparison {
  /// Compares `actual` with `expected`.
  ///
  /// - Parameters:
  ///   - actual: the tensor under test (a reloaded tensor, a forward output).
  ///   - expected: the golden tensor.
  ///   - options: bitwise or close, tolerance overrides, `equalNaN`, attribute checks.
  ///   - name: the tensor's state-dict key or path, named in the message.
  ///   - golden: what `expected` came from, named in the message.
  ///   - upcastingToFloat64: in `.close` mode, when both tensors have real floating dtypes,
  ///     compare their values as float64: the result of comparing `actual.to(.float64)` with
  ///     `expected.to(.float64)`, computed without making those copies (default false; ignored
  ///     in `.bitwise` mode).
  /// - Returns: the verdict with its figures and message; never throws, any difference is a
  ///   failed result.
  public static func compare(
    _ actual: Tensor, _ expected: Tensor, options: ComparisonOptions = .close, name: String? = nil,
    golden: String? = nil, upcastingToFloat64: Bool = false
  ) -> ComparisonResult {
    let bitwise = options.mode == .bitwise
    func fail(_ attribute: String, _ a: String, _ e: String) -> ComparisonResult {
      let mismatch = AttributeMismatch(attribute: attribute, actual: a, expected: e)
      return ComparisonResult(
        name: name, golden: golden, mode: options.mode, passed: false, attributeMismatch: mismatch,
        summary: mismatch.message)
    }
    if actual.shape != expected.shape {
      return fail("shape", PythonRepr.size(actual.shape), PythonRepr.size(expected.shape))
    }
    // float64 copies of equal shapes are contiguous and share their dtype: no stride or dtype
    // difference is left to find.
    let upcast =
      upcastingToFloat64 && !bitwise && options.maxULP == nil && isRealFloat(actual.dtype)
      && isRealFloat(expected.dtype)
    if !upcast && (bitwise || options.checkStride) && actual.strides != expected.strides {
      return fail("stride()", PythonRepr.tuple(actual.strides), PythonRepr.tuple(expected.strides))
    }
    if (bitwise || options.checkDevice) && actual.device != expected.device {
      return fail("device", actual.device.description, expected.device.description)
    }
    if !upcast && (bitwise || options.checkDtype) && actual.dtype != expected.dtype {
      return fail("dtype", actual.dtype.description, expected.dtype.description)
    }
    var a = actual
    var e = expected
    let diff: ElementwiseDifference
    let tolerance: Tolerance
    let valueDtype: DType
    var ulpLimit: UInt64?
    if upcast {
      tolerance = options.tolerance ?? Tolerance.default(for: .float64, .float64)
      valueDtype = .float64
      // Every real floating dtype (float8 included) is read as float64 in place.
      diff = ElementwiseDifference(
        float64ValuesOf: a, e, tolerance: tolerance, equalNaN: options.equalNaN)
    } else {
      if a.dtype != e.dtype {
        let common = DType.promoted(a.dtype, e.dtype)
        a = a.to(common)
        e = e.to(common)
      }
      let isFloating = a.dtype.isFloatingPoint || a.dtype.isComplex
      ulpLimit = bitwise || !isFloating ? nil : options.maxULP
      tolerance =
        bitwise || ulpLimit != nil
        ? .exact : options.tolerance ?? Tolerance.default(for: actual.dtype, expected.dtype)
      valueDtype = a.dtype
      diff = ElementwiseDifference(
        actual: a, expected: e, tolerance: tolerance, equalNaN: bitwise ? false : options.equalNaN,
        ulpLimit: ulpLimit)
    }
    let figures = makeFigures(diff, actual: a, expected: e, tolerance: tolerance)
    let passed = bitwise ? diff.bitwiseMismatchCount == 0 : diff.mismatchCount == 0
    var result = ComparisonResult(
      name: name, golden: golden, mode: options.mode, passed: passed, figures: figures)
    guard !passed else { return result }
    if bitwise {
      result.summary = bitwiseSummary(diff, actual: a, expected: e, figures: figures)
    } else if let ulpLimit {
      result.summary = ulpSummary(diff, shape: a.shape, limit: ulpLimit)
    } else if a.rank == 0 {
      result.summary = scalarSummary(actual: a.item(), expected: e.item(), tolerance: tolerance)
    } else {
      result.summary = tensorSummary(
        diff, dtype: valueDtype, shape: a.shape, tolerance: tolerance)
    }
    result.details = details(diff, figures: figures, shape: a.shape)
    return result
  }

  /// float16, bfloat16, float32, float64 and the float8 formats (not complex).
  private static func isRealFloat(_ dtype: DType) -> Bool {
    dtype.isFloatingPoint && !dtype.isComplex
  }

  // MARK: - Figures

  private static func makeFigures(
    _ d: ElementwiseDifference, actual: Tensor, expected: Tensor, tolerance: Tolerance
  ) -> ComparisonFigures {
    let shape = actual.shape
    let hasMismatch = d.mismatchCount > 0
    let worst = hasMismatch ? d.greatestAbsoluteIndex : d.maxAbsoluteIndex
    let worstIndex = worst.map { unravel($0, shape) }
    return ComparisonFigures(
      elementCount: d.count, mismatchCount: d.mismatchCount,
      bitwiseMismatchCount: d.bitwiseMismatchCount, tolerance: tolerance,
      maxAbsoluteError: d.maxAbsolute, maxRelativeError: d.maxRelative, maxULPDistance: d.maxULP,
      greatestAbsoluteMismatch: hasMismatch ? d.greatestAbsolute.double : nil,
      greatestAbsoluteMismatchIndex: hasMismatch ? unravel(d.greatestAbsoluteIndex, shape) : nil,
      greatestRelativeMismatch: hasMismatch ? d.greatestRelative : nil,
      greatestRelativeMismatchIndex: hasMismatch ? unravel(d.greatestRelativeIndex, shape) : nil,
      worstIndex: worstIndex,
      worstActual: worstIndex.map { PythonRepr.scalar(actual.streamedElement(at: $0)) },
      worstExpected: worstIndex.map { PythonRepr.scalar(expected.streamedElement(at: $0)) })
  }

  /// A flat row-major index as a multi-dimensional one (`()` for 0-d tensors).
  static func unravel(_ flat: Int, _ shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
      index[d] = rest % shape[d]
      rest /= shape[d]
    }
    return index
  }

  // MARK: - Messages

  /// `make_tensor_mismatch_msg`; for float8 tensors its `_make_bitwise_mismatch_msg` (torch
  /// reports no differences for 1-byte floats, only the first mismatched index).
  private static func tensorSummary(
    _ d: ElementwiseDifference, dtype: DType, shape: [Int], tolerance: Tolerance
  ) -> String {
    if dtype.isFloat8 {
      let first = d.firstMismatch.map { PythonRepr.tuple(unravel($0, shape)) } ?? "()"
      return """
        Tensor-likes are not 'equal'!

        Mismatched elements: \(d.mismatchCount) / \(d.count) (\(Self.percent(Double(d.mismatchCount) / Double(d.count))))
        The first mismatched element is at index \(first).
        """
    }
    let equality = tolerance.isExact
    func allowed(_ tol: Double) -> String {
      equality ? "" : " (up to \(PythonRepr.float(tol)) allowed)"
    }
    return """
      Tensor-likes are not \(equality ? "equal" : "close")!

      Mismatched elements: \(d.mismatchCount) / \(d.count) (\(Self.percent(Double(d.mismatchCount) / Double(d.count))))
      Greatest absolute difference: \(d.greatestAbsolute.text) at index \(PythonRepr.tuple(unravel(d.greatestAbsoluteIndex, shape)))\(allowed(tolerance.absolute))
      Greatest relative difference: \(PythonRepr.float(d.greatestRelative)) at index \(PythonRepr.tuple(unravel(d.greatestRelativeIndex, shape)))\(allowed(tolerance.relative))
      """
  }

  /// The `--max-ulp` check's message, laid out like assert_close's.
  private static func ulpSummary(_ d: ElementwiseDifference, shape: [Int], limit: UInt64)
    -> String
  {
    var lines = [
      "Tensor-likes are not within \(limit) ULP!", "",
      "Mismatched elements: \(d.mismatchCount) / \(d.count) (\(Self.percent(Double(d.mismatchCount) / Double(d.count))))",
    ]
    if let at = d.maxULPIndex {
      lines.append(
        "Greatest ULP distance: \(d.maxULP) at index \(PythonRepr.tuple(unravel(at, shape))) (up to \(limit) allowed)"
      )
    }
    lines.append(
      "Greatest absolute difference: \(d.greatestAbsolute.text) at index \(PythonRepr.tuple(unravel(d.greatestAbsoluteIndex, shape)))"
    )
    return lines.joined(separator: "\n")
  }

  /// `make_scalar_mismatch_msg`: the differences are taken in Python arithmetic on `item()`.
  private static func scalarSummary(actual: Scalar, expected: Scalar, tolerance: Tolerance)
    -> String
  {
    let equality = tolerance.isExact
    func allowed(_ tol: Double) -> String {
      equality ? "" : " (up to \(PythonRepr.float(tol)) allowed)"
    }
    let absText: String
    let rel: Double
    switch (actual, expected) {
    case (.complex, _), (_, .complex):
      let (ar, ai) = parts(actual)
      let (er, ei) = parts(expected)
      let abs = ElementwiseDifference.hypotDouble(ar - er, ai - ei)
      absText = PythonRepr.float(abs)
      rel = er == 0 && ei == 0 ? .infinity : abs / ElementwiseDifference.hypotDouble(er, ei)
    case (.float, _), (_, .float):
      let abs = Swift.abs(actual.doubleValue - expected.doubleValue)
      absText = PythonRepr.float(abs)
      rel = expected.doubleValue == 0 ? .infinity : abs / Swift.abs(expected.doubleValue)
    default:
      // Python ints: exact magnitude of the difference, true division for the ratio.
      let x = integer(actual)
      let y = integer(expected)
      let magnitude = x >= y ? x - y : y - x
      absText = String(magnitude)
      rel = y == 0 ? .infinity : Double(magnitude) / Double(y.magnitude)
    }
    return """
      Scalars are not \(equality ? "equal" : "close")!

      Expected \(PythonRepr.scalar(expected)) but got \(PythonRepr.scalar(actual)).
      Absolute difference: \(absText)\(allowed(tolerance.absolute))
      Relative difference: \(PythonRepr.float(rel))\(allowed(tolerance.relative))
      """
  }

  private static func parts(_ s: Scalar) -> (Double, Double) {
    if case .complex(let re, let im) = s { return (re, im) }
    return (s.doubleValue, 0)
  }

  /// A scalar as a Python int (uint64 values above `Int64.max` included).
  private static func integer(_ s: Scalar) -> Int128 {
    switch s {
    case .bool(let b): b ? 1 : 0
    case .int(let i): Int128(i)
    case .uint(let u): Int128(u)
    default: Int128(Int64(s.doubleValue))
    }
  }

  /// The bitwise check's message, laid out like assert_close's.
  private static func bitwiseSummary(
    _ d: ElementwiseDifference, actual: Tensor, expected: Tensor, figures: ComparisonFigures
  ) -> String {
    var lines = [
      "Tensor-likes are not bitwise equal!", "",
      "Differing elements: \(d.bitwiseMismatchCount) / \(d.count) (\(Self.percent(Double(d.bitwiseMismatchCount) / Double(d.count))))",
    ]
    if let first = d.firstBitwiseMismatch {
      let index = unravel(first, actual.shape)
      lines.append(
        "First differing element at index \(PythonRepr.tuple(index)): "
          + "\(PythonRepr.scalar(actual.streamedElement(at: index))) "
          + "(0x\(hexBytes(actual, index))) != "
          + "\(PythonRepr.scalar(expected.streamedElement(at: index))) "
          + "(0x\(hexBytes(expected, index)))")
    }
    if d.mismatchCount > 0 {
      lines.append(
        "Greatest absolute difference: \(d.greatestAbsolute.text) at index \(PythonRepr.tuple(unravel(d.greatestAbsoluteIndex, actual.shape)))"
      )
      lines.append(
        "Greatest relative difference: \(PythonRepr.float(d.greatestRelative)) at index \(PythonRepr.tuple(unravel(d.greatestRelativeIndex, actual.shape)))"
      )
    } else {
      lines.append(
        "All differing elements compare equal as numbers (signed zeros or NaN payloads).")
    }
    return lines.joined(separator: "\n")
  }

  /// Python's `f"{x:.1%}"`: `x * 100` rounded to one decimal (glibc's `%.1f` rounds the exact
  /// binary value to nearest-even, as CPython's formatter does) and a percent sign.
  static func percent(_ x: Double) -> String {
    let scaled = x * 100
    return (scaled.isFinite ? String(format: "%.1f", scaled) : PythonRepr.float(scaled)) + "%"
  }

  /// The element's bytes as big-endian hex (the bit pattern as one reads it: `3c00` for 1.0 in
  /// float16).
  private static func hexBytes(_ t: Tensor, _ index: [Int]) -> String {
    let bytes = t.streamedElementBytes(at: index)
    return bytes.reversed().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
  }

  private static func details(_ d: ElementwiseDifference, figures: ComparisonFigures, shape: [Int])
    -> [String]
  {
    var out: [String] = []
    if let at = d.maxULPIndex {
      out.append(
        "Greatest ULP distance: \(d.maxULP) at index \(PythonRepr.tuple(unravel(at, shape)))")
    }
    if let index = figures.worstIndex, let a = figures.worstActual, let e = figures.worstExpected {
      out.append("Worst element at index \(PythonRepr.tuple(index)): actual \(a), expected \(e)")
    }
    return out
  }
}
