import Foundation
public import ReproFormat
import ReproTensor

/// Compares two checkpoint files tensor by tensor, matched by key path: the engine of
/// `repro compare REFERENCE CANDIDATE`.
///
/// ```swift
/// let result = FileComparison.compare(reference, candidate, options: .init(stripPrefixes: ["module."]))
/// print(result.render())   // a summary line, then one row per failing key
/// ```
///
/// Keys are the `/`-joined paths of `Inventory` (the same as `repro inspect`). By default a
/// tensor passes with `torch.testing.assert_close` semantics and the default tolerance of the
/// less precise of the two dtypes, computed after upcasting both floating sides to float64 (so a
/// float32 reference and a float16 candidate compare meaningfully). Integers and bool compare
/// exactly.
public struct FileComparison: Sendable, Codable {
  /// How two files are compared.
  public struct Options: Sendable {
    /// An explicit tolerance (`--rtol`/`--atol`); nil takes the dtypes' default.
    public var tolerance: Tolerance?
    /// Bytes, dtype, shape, stride and device must be equal.
    public var bitwise = false
    /// Two NaNs count as equal.
    public var equalNaN = false
    /// A dtype difference fails the key.
    public var strictDtype = false
    /// Prefixes stripped from every key (path component) of either file that starts with one.
    public var stripPrefixes: [String] = []
    /// Globs (`*`, `?`) a key path must match to be compared; empty compares every key.
    public var only: [String] = []
    /// Globs of key paths left out.
    public var ignore: [String] = []

    /// Creates options; the defaults are `assert_close`'s with the less precise dtype's tolerance.
    public init(
      tolerance: Tolerance? = nil, bitwise: Bool = false, equalNaN: Bool = false,
      strictDtype: Bool = false, stripPrefixes: [String] = [], only: [String] = [],
      ignore: [String] = []
    ) {
      self.tolerance = tolerance
      self.bitwise = bitwise
      self.equalNaN = equalNaN
      self.strictDtype = strictDtype
      self.stripPrefixes = stripPrefixes
      self.only = only
      self.ignore = ignore
    }
  }

  /// The verdict for one key present in both files.
  public struct Row: Sendable, Codable {
    /// The key path after prefix stripping.
    public var key: String
    /// Whether the key is within tolerance.
    public var passed: Bool
    /// The reference's dtype (nil for a non-tensor value).
    public var referenceDtype: String?
    /// The candidate's dtype (nil for a non-tensor value).
    public var candidateDtype: String?
    /// An attribute difference (shape, stride, device, dtype) or a value difference, in words.
    public var problem: String?
    /// The largest `|candidate - reference|`.
    public var maxAbsoluteError: Double?
    /// The largest `|candidate - reference| / |reference|`.
    public var maxRelativeError: Double?
    /// Elements outside the tolerance (or unequal bytes with `--bitwise`).
    public var mismatchCount: Int?
    /// Elements compared.
    public var elementCount: Int?
    /// The flat (row-major) index of the worst element.
    public var worstFlatIndex: Int?
    /// The reference's value there, as Python prints it.
    public var worstReference: String?
    /// The candidate's value there, as Python prints it.
    public var worstCandidate: String?
  }

  /// The reference file as named on the command line.
  public var reference: String
  /// The candidate file as named on the command line.
  public var candidate: String
  /// Keys of the reference the candidate lacks.
  public var missingKeys: [String] = []
  /// Keys of the candidate the reference lacks.
  public var unexpectedKeys: [String] = []
  /// One row per key present in both files, in the reference's order.
  public var rows: [Row] = []

  /// Whether every key is present on both sides and within tolerance.
  public var passed: Bool {
    missingKeys.isEmpty && unexpectedKeys.isEmpty && rows.allSatisfy(\.passed)
  }

  /// The rows that failed.
  public var failedRows: [Row] { rows.filter { !$0.passed } }

  /// Compares two loaded checkpoints.
  ///
  /// - Parameters:
  ///   - reference: the expected checkpoint.
  ///   - candidate: the checkpoint under test.
  ///   - options: tolerance, key mapping and filters.
  ///   - referenceName: the reference's file name, for the summary.
  ///   - candidateName: the candidate's file name, for the summary.
  public static func compare(
    _ reference: Checkpoint, _ candidate: Checkpoint, options: Options = Options(),
    referenceName: String = "reference", candidateName: String = "candidate"
  ) -> FileComparison {
    var result = FileComparison(reference: referenceName, candidate: candidateName)
    let refEntries = entries(of: reference, options: options)
    let candEntries = entries(of: candidate, options: options)
    var candByKey: [String: Inventory.Entry] = [:]
    for e in candEntries where candByKey[e.path] == nil { candByKey[e.path] = e }
    let refKeys = Set(refEntries.map(\.path))
    var pairs: [(Inventory.Entry, Inventory.Entry)] = []
    for r in refEntries {
      guard let c = candByKey[r.path] else {
        result.missingKeys.append(r.path)
        continue
      }
      pairs.append((r, c))
    }
    // Keys are independent: compared on every core, largest first, rows in the reference's order.
    result.rows = ConcurrentMap.map(
      pairs, cost: { $0.0.tensor?.count ?? 0 }, { row($0.0, $0.1, options: options) })
    result.unexpectedKeys = candEntries.map(\.path).filter { !refKeys.contains($0) }
    return result
  }

  /// The summary line, then one line per missing or unexpected key and per failing key (per
  /// key with `verbose`).
  public func render(verbose: Bool = false) -> String {
    let tensorRows = rows.filter { $0.referenceDtype != nil }
    let failed = failedRows
    var summary: String
    if passed {
      summary = "PASS: \(rows.count) keys within tolerance (\(tensorRows.count) tensors)"
    } else {
      summary =
        "FAIL: \(failed.count) of \(rows.count) keys differ, \(missingKeys.count) missing, \(unexpectedKeys.count) unexpected"
    }
    summary += "; reference \(reference), candidate \(candidate)"
    var lines = [summary]
    for k in missingKeys { lines.append("\(k): missing in the candidate") }
    for k in unexpectedKeys { lines.append("\(k): unexpected (not in the reference)") }
    for r in verbose ? rows : failed { lines.append(Self.rowText(r)) }
    return lines.joined(separator: "\n")
  }

  /// The result as pretty-printed JSON with sorted keys (`passed`, `missingKeys`, `rows`, …).
  public func jsonText() -> String {
    struct Document: Encodable {
      var passed: Bool
      var result: FileComparison
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let data = (try? encoder.encode(Document(passed: passed, result: self))) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  // MARK: - Rows

  static func rowText(_ r: Row) -> String {
    var line = (r.key.isEmpty ? "(root)" : r.key) + (r.passed ? ": ok" : ":")
    if let a = r.referenceDtype, let b = r.candidateDtype { line += " \(a) -> \(b)" }
    if let p = r.problem { return line + " " + p }
    if let m = r.mismatchCount, let n = r.elementCount { line += ", mismatched \(m) / \(n)" }
    if let a = r.maxAbsoluteError { line += ", max abs \(PythonRepr.float(a))" }
    if let e = r.maxRelativeError { line += ", max rel \(PythonRepr.float(e))" }
    if let i = r.worstFlatIndex {
      line +=
        ", worst index \(i): reference \(r.worstReference ?? "?"), candidate \(r.worstCandidate ?? "?")"
    }
    return line
  }

  static func row(_ r: Inventory.Entry, _ c: Inventory.Entry, options: Options) -> Row {
    guard let rt = r.tensor, let ct = c.tensor else {
      var row = Row(key: r.path, passed: true)
      let rv = r.valueJSON ?? r.className ?? r.kind
      let cv = c.valueJSON ?? c.className ?? c.kind
      if r.kind != c.kind || !valuesClose(rv, cv, kind: r.kind, options: options) {
        row.passed = false
        row.problem = "value \(r.kind) \(rv) != \(c.kind) \(cv)"
      }
      return row
    }
    var cmp: ComparisonOptions
    let a = ct
    let e = rt
    var upcast = false
    if options.bitwise {
      cmp = .bitwise
    } else {
      cmp = ComparisonOptions(
        tolerance: options.tolerance, equalNaN: options.equalNaN,
        checkDtype: options.strictDtype)
      if a.dtype.isFloatingPoint, e.dtype.isFloatingPoint, !a.dtype.isComplex, !e.dtype.isComplex,
        !options.strictDtype || a.dtype == e.dtype, a.shape == e.shape
      {
        cmp.tolerance = options.tolerance ?? .default(for: a.dtype, e.dtype)
        upcast = true
      }
    }
    let result = TensorComparison.compare(
      a, e, options: cmp, name: r.path, upcastingToFloat64: upcast)
    var row = Row(
      key: r.path, passed: result.passed, referenceDtype: rt.dtype.rawValue,
      candidateDtype: ct.dtype.rawValue)
    if let m = result.attributeMismatch {
      row.problem =
        "\(m.attribute) differs: reference \(m.expected), candidate \(m.actual)"
      return row
    }
    guard let f = result.figures else { return row }
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
    return row
  }

  static func valuesClose(_ a: String, _ b: String, kind: String, options: Options) -> Bool {
    if a == b { return true }
    guard kind == "float", !options.bitwise, let x = Double(a), let y = Double(b) else {
      return false
    }
    let tol = options.tolerance ?? .default(for: .float64)
    return (options.equalNaN && x.isNaN && y.isNaN)
      || abs(x - y) <= tol.absolute + tol.relative * abs(x)
  }

  // MARK: - Keys

  static func entries(of checkpoint: Checkpoint, options: Options) -> [Inventory.Entry] {
    Inventory(of: checkpoint).entries.compactMap { entry in
      var e = entry
      e.path = strip(e.path, prefixes: options.stripPrefixes)
      if !options.only.isEmpty, !options.only.contains(where: { glob($0, matches: e.path) }) {
        return nil
      }
      if options.ignore.contains(where: { glob($0, matches: e.path) }) { return nil }
      return e
    }
  }

  /// Strips the first matching prefix from every `/`-separated component of a path.
  static func strip(_ path: String, prefixes: [String]) -> String {
    guard !prefixes.isEmpty else { return path }
    return path.split(separator: "/", omittingEmptySubsequences: false).map { part in
      for p in prefixes where !p.isEmpty && part.hasPrefix(p) {
        return String(part.dropFirst(p.count))
      }
      return String(part)
    }.joined(separator: "/")
  }

  /// Shell-style matching of a whole path: `*` any run of characters (slashes included), `?` one.
  static func glob(_ pattern: String, matches text: String) -> Bool {
    let p = Array(pattern)
    let t = Array(text)
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
        pi += 1
        ti += 1
      } else if pi < p.count && p[pi] == "*" {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
