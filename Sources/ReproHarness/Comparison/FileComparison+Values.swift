import ReproFormat
import ReproTensor

extension FileComparison {
  /// The row of a key whose value is not a tensor on at least one side: numbers as
  /// `assert_close` compares Python numbers (numpy scalars by their `item()`), every other value
  /// exactly, a type change as a failure.
  static func valueRow(_ r: Inventory.Entry, _ c: Inventory.Entry, options: Options) -> Row {
    var row = Row(key: r.path, passed: true, referenceKind: r.kind, candidateKind: c.kind)
    let rv = display(r)
    let cv = display(c)
    row.worstReference = rv
    row.worstCandidate = cv
    let mode: ComparisonOptions.Mode = options.bitwise ? .bitwise : .close
    row.comparison = ComparisonResult(name: r.path, golden: nil, mode: mode, passed: true)
    let family = Self.family(of: r.kind)
    if family != Self.family(of: c.kind)
      || ((options.strictDtype || options.bitwise) && r.kind != c.kind)
    {
      return failed(row, "type differs: reference \(r.kind), candidate \(c.kind)", mode: mode)
    }
    switch family {
    case "float":
      if let x = Double(rv), let y = Double(cv), let rn = floatDtype(r.kind),
        let cn = floatDtype(c.kind)
      {
        return floatRow(row, x, rn, y, cn, options: options)
      }
    case "int":
      if let x = Int64(rv), let y = Int64(cv) {
        let result = TensorComparison.compare(
          Tensor(scalar: y), Tensor(scalar: x), options: ComparisonOptions(tolerance: .exact),
          name: r.path)
        row.passed = result.passed
        row.message = result.summary
        row.comparison = result
        return row
      }
    case "bool":
      if rv != cv { return failed(row, "Booleans mismatch: \(cv) is not \(rv)", mode: mode) }
      return row
    default: break
    }
    if rv != cv {
      return failed(row, "value differs: reference \(rv), candidate \(cv)", mode: mode)
    }
    return row
  }

  /// Two floats: as Python floats within float64's tolerance (numpy scalars by value, as
  /// `assert_close` takes their `item()`); with `--bitwise` the bits of their own dtype; with
  /// `--max-ulp` the ULPs of the less precise of their dtypes.
  private static func floatRow(
    _ base: Row, _ x: Double, _ rn: DType, _ y: Double, _ cn: DType, options: Options
  ) -> Row {
    var row = base
    let u = lessPrecise(rn, cn) ?? .float64
    let cmp: ComparisonOptions
    var e = Tensor(scalar: x)
    var a = Tensor(scalar: y)
    if options.bitwise {
      cmp = .bitwise
      e = e.to(rn)
      a = a.to(cn)
    } else if let limit = options.maxULP {
      cmp = ComparisonOptions(equalNaN: options.equalNaN, maxULP: limit)
      e = e.to(u)
      a = a.to(u)
    } else {
      cmp = ComparisonOptions(
        tolerance: options.tolerance ?? .default(for: .float64), equalNaN: options.equalNaN)
      row.rtol = cmp.tolerance?.relative
      row.atol = cmp.tolerance?.absolute
    }
    var result = TensorComparison.compare(a, e, options: cmp, name: base.key)
    row.passed = result.passed
    row.message = result.summary
    row.ulpDtype = u.rawValue
    if let f = result.figures {
      row.maxAbsoluteError = f.maxAbsoluteError
      row.maxRelativeError = f.maxRelativeError
      if a.dtype == u {
        row.maxULP = f.maxULPDistance
      } else {
        let d = ElementwiseDifference(
          actual: a.to(u), expected: e.to(u), tolerance: .exact, equalNaN: false)
        row.maxULP = d.maxULP
        result.figures?.maxULPDistance = d.maxULP
      }
    }
    row.comparison = result
    return row
  }

  private static func failed(_ base: Row, _ problem: String, mode: ComparisonOptions.Mode) -> Row {
    var row = base
    row.passed = false
    row.problem = problem
    row.message = problem
    row.comparison = ComparisonResult(
      name: base.key, golden: nil, mode: mode, passed: false, summary: problem)
    return row
  }

  /// The value as the rows show it: numbers and strings as their JSON text (non-finite floats
  /// as `nan`, `inf`), bools and None as Python writes them, a module by its class, a tensor or
  /// array by its kind.
  static func display(_ e: Inventory.Entry) -> String {
    if let t = e.tensor { return "\(e.kind) \(t.dtype.rawValue) \(PythonRepr.size(t.shape))" }
    if let a = e.array { return "ndarray \(a.dtype.name) \(a.shape)" }
    if let name = e.className { return name }
    guard let json = e.valueJSON else { return e.kind }
    switch json {
    case "true": return "True"
    case "false": return "False"
    case "null": return "None"
    default: break
    }
    if family(of: e.kind) == "float", json.hasPrefix("\""), json.hasSuffix("\""), json.count > 2 {
      return String(json.dropFirst().dropLast())
    }
    return json
  }

  /// The Python type `assert_close` compares a value as: `float` for Python floats and numpy
  /// floating scalars, `int` for ints and numpy integer scalars, `bool` for bools and numpy
  /// bools, `complex` for numpy complex scalars; any other kind is its own family.
  static func family(of kind: String) -> String {
    switch kind {
    case "float", "float16", "float32", "float64": "float"
    case "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64": "int"
    case "complex64", "complex128": "complex"
    default: kind
    }
  }

  /// The dtype a float value is stored in: float64 for a Python float, a numpy scalar's own.
  static func floatDtype(_ kind: String) -> DType? {
    switch kind {
    case "float", "float64": .float64
    case "float32": .float32
    case "float16": .float16
    default: nil
    }
  }
}
