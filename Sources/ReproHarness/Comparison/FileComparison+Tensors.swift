import ReproTensor

extension FileComparison {
  /// The row of a key that holds a tensor (or a numpy array) in both files.
  static func tensorRow(key: String, _ rt: Tensor, _ ct: Tensor, options: Options) -> Row {
    var row = Row(key: key, passed: false)
    row.referenceDtype = rt.dtype.rawValue
    row.candidateDtype = ct.dtype.rawValue
    row.differences = attributeDifferences(rt, ct)
    let ulpDtype = lessPrecise(rt.dtype, ct.dtype)
    let comparable = rt.shape == ct.shape && (!options.strictDtype || rt.dtype == ct.dtype)
    var cmp: ComparisonOptions
    var a = ct
    var e = rt
    var ulpIsFigured = options.bitwise
    if options.bitwise {
      cmp = .bitwise
    } else if let limit = options.maxULP, !(isExact(rt.dtype) && isExact(ct.dtype)) {
      guard let u = ulpDtype else {
        let problem = "no ULP common to \(rt.dtype.rawValue) and \(ct.dtype.rawValue)"
        row.problem = problem
        row.message = problem
        row.comparison = ComparisonResult(
          name: key, golden: nil, mode: .close, passed: false, summary: problem)
        return row
      }
      cmp = ComparisonOptions(
        equalNaN: options.equalNaN, checkDtype: options.strictDtype, maxULP: limit)
      if comparable {
        a = a.to(u)
        e = e.to(u)
      }
      row.ulpDtype = u.rawValue
      ulpIsFigured = true
    } else {
      cmp = ComparisonOptions(
        tolerance: options.tolerance, equalNaN: options.equalNaN, checkDtype: options.strictDtype)
      if a.dtype.isFloatingPoint, e.dtype.isFloatingPoint, comparable {
        cmp.tolerance = options.tolerance ?? .default(for: a.dtype, e.dtype)
        a = a.to(.float64)
        e = e.to(.float64)
      }
    }
    var result = TensorComparison.compare(a, e, options: cmp, name: key)
    row.passed = result.passed
    if let m = result.attributeMismatch {
      row.problem = "\(m.attribute) differs: reference \(m.expected), candidate \(m.actual)"
    }
    row.message = result.passed ? nil : result.summary ?? row.problem
    if let f = result.figures {
      if !options.bitwise && cmp.maxULP == nil {
        row.rtol = f.tolerance.relative
        row.atol = f.tolerance.absolute
      }
      row.maxAbsoluteError = f.maxAbsoluteError
      row.maxRelativeError = f.maxRelativeError
      row.mismatchCount = options.bitwise ? f.bitwiseMismatchCount : f.mismatchCount
      row.elementCount = f.elementCount
      if let index = f.worstIndex {
        var flat = 0
        for (i, size) in zip(index, e.shape) { flat = flat * size + i }
        row.worstFlatIndex = flat
        row.worstReference = f.worstExpected
        row.worstCandidate = f.worstActual
      }
      if let u = ulpDtype {
        row.ulpDtype = u.rawValue
        if ulpIsFigured {
          row.maxULP = f.maxULPDistance
        } else {
          figureULP(of: &row, &result, rt, ct, in: u, maxAbsolute: f.maxAbsoluteError)
        }
      }
    }
    row.comparison = result
    return row
  }

  /// Sets the ULP figures of a comparison made on float64-upcast values to those of the less
  /// precise dtype (a second pass, only when some value differs).
  private static func figureULP(
    of row: inout Row, _ result: inout ComparisonResult, _ reference: Tensor, _ candidate: Tensor,
    in dtype: DType, maxAbsolute: Double
  ) {
    guard maxAbsolute != 0 else {
      row.maxULP = 0
      result.figures?.maxULPDistance = 0
      return
    }
    let d = ElementwiseDifference(
      actual: candidate.to(dtype), expected: reference.to(dtype), tolerance: .exact,
      equalNaN: false)
    row.maxULP = d.maxULP
    result.figures?.maxULPDistance = d.maxULP
    let prefix = "Greatest ULP distance:"
    result.details.removeAll { $0.hasPrefix(prefix) }
    if !result.passed, let at = d.maxULPIndex {
      let index = PythonRepr.tuple(TensorComparison.unravel(at, reference.shape))
      result.details.insert(
        "Greatest ULP distance (\(dtype.rawValue)): \(d.maxULP) at index \(index)", at: 0)
    }
  }

  /// The shape, stride and device differences of two tensors, in words (strides only when the
  /// shapes agree).
  static func attributeDifferences(_ r: Tensor, _ c: Tensor) -> [String] {
    var out: [String] = []
    if r.shape != c.shape {
      out.append(
        "shape differs: reference \(PythonRepr.size(r.shape)), candidate \(PythonRepr.size(c.shape))"
      )
    } else if r.strides != c.strides {
      out.append(
        "stride() differs: reference \(PythonRepr.tuple(r.strides)), candidate \(PythonRepr.tuple(c.strides))"
      )
    }
    if r.device != c.device {
      out.append("device differs: reference \(r.device), candidate \(c.device)")
    }
    return out
  }

  /// Integer and bool dtypes, which compare exactly.
  static func isExact(_ d: DType) -> Bool { d == .bool || d.isInteger }

  /// The dtype ULPs of a pair count in: the one with fewer significand bits, the reference's on
  /// a tie; nil for a pair without one (an integer or bool side, complex against real).
  static func lessPrecise(_ reference: DType, _ candidate: DType) -> DType? {
    guard let r = significandBits(reference), let c = significandBits(candidate),
      reference.isComplex == candidate.isComplex
    else { return nil }
    return c < r ? candidate : reference
  }

  /// Stored significand bits of the floating and complex dtypes.
  static func significandBits(_ d: DType) -> Int? {
    switch d {
    case .float64, .complex128: 52
    case .float32, .complex64: 23
    case .float16, .complex32: 10
    case .bfloat16: 7
    case .float8E4M3FN, .float8E4M3FNUZ: 3
    case .float8E5M2, .float8E5M2FNUZ: 2
    case .float8E8M0FNU: 0
    default: nil
    }
  }
}
