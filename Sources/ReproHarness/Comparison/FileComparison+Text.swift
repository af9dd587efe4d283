import Foundation
import ReproTensor

extension FileComparison {
  /// The summary line, then one line per missing, unexpected or duplicate key and per failing
  /// key (per key with `verbose`).
  ///
  /// A key's line names its dtype pair (or its Python types), then either what differs in
  /// words (shape, device, dtype, type, value) or the figures: mismatched elements, max
  /// absolute and relative error, max ULP distance (in the less precise dtype) and the worst
  /// element with both values. Stride differences are appended even when they do not fail.
  public func render(verbose: Bool = false) -> String {
    let tensorRows = rows.filter { $0.referenceDtype != nil }
    let failed = failedRows
    var summary: String
    if passed {
      summary = "PASS: \(rows.count) keys within tolerance (\(tensorRows.count) tensors)"
    } else {
      summary =
        "FAIL: \(failed.count) of \(rows.count) keys differ, \(missingKeys.count) missing, \(unexpectedKeys.count) unexpected"
      if !duplicateKeys.isEmpty { summary += ", \(duplicateKeys.count) duplicate" }
    }
    summary += "; reference \(reference), candidate \(candidate)"
    var lines = [summary]
    for k in missingKeys { lines.append(Self.missingText(k)) }
    for k in unexpectedKeys { lines.append(Self.unexpectedText(k)) }
    for d in duplicateKeys { lines.append(Self.duplicateText(d)) }
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

  static func missingText(_ key: String) -> String { "\(key): missing in the candidate" }

  static func unexpectedText(_ key: String) -> String {
    "\(key): unexpected (not in the reference)"
  }

  static func duplicateText(_ d: DuplicateKey) -> String {
    "\(d.key): \(d.originalKeys.count) keys of the \(d.file) map to it: "
      + d.originalKeys.joined(separator: ", ")
  }

  /// One key's line (see `render(verbose:)`).
  static func rowText(_ r: Row) -> String {
    var line = (r.key.isEmpty ? "(root)" : r.key) + (r.passed ? ": ok" : ":")
    if let a = r.referenceDtype, let b = r.candidateDtype {
      line += " \(a) -> \(b)"
    } else {
      line += " \(r.referenceKind) -> \(r.candidateKind)"
    }
    let notes = r.differences.filter { $0 != r.problem }
    if let p = r.problem {
      return ([line + " " + p] + notes).joined(separator: "; ")
    }
    if let m = r.mismatchCount, let n = r.elementCount { line += ", mismatched \(m) / \(n)" }
    if let a = r.maxAbsoluteError { line += ", max abs \(PythonRepr.float(a))" }
    if let e = r.maxRelativeError { line += ", max rel \(PythonRepr.float(e))" }
    if let u = r.maxULP, let d = r.ulpDtype { line += ", max ULP \(u) (\(d))" }
    if let i = r.worstFlatIndex {
      line +=
        ", worst index \(i): reference \(r.worstReference ?? "?"), candidate \(r.worstCandidate ?? "?")"
    } else if let a = r.worstReference, let b = r.worstCandidate {
      line += ", reference \(a), candidate \(b)"
    }
    return ([line] + notes).joined(separator: "; ")
  }
}
