import Foundation
import ReproFormat

/// One key of a `[[compare]]` entry: a tensor or value present in both files within tolerance,
/// or a key missing from the candidate or unexpected in it, as one case
/// (`compare/<name>/<key>`).
///
/// The two files are loaded and compared once, by `cases(of:in:)`, while the suite expands
/// (the keys are only known then); each case carries its key's verdict. A file that cannot be
/// read gives one `error` case for the whole entry (`compare/<name>`).
public struct CompareKeyCase: SuiteCase {
  /// `compare/<name>/<key>`.
  public var id: String
  /// The candidate file, as written in the suite.
  public var model: String
  /// `kind` (`compare`), `name` and `key`.
  public var axes: [String: String]
  /// The key's verdict: nil passes; otherwise the failure to report.
  var failure: CaseResult.Failure?
  /// The status when `failure` is set (`fail`, or `error` for an unreadable file).
  var failedStatus: CaseResult.Status = .fail

  /// Returns the key's verdict, computed when the suite expanded.
  public func run(in context: SuiteContext) -> CaseResult {
    CaseResult(
      id: id, model: model, axes: axes, status: failure == nil ? .pass : failedStatus,
      failure: failure)
  }

  /// Loads both files of an entry, compares them (as `repro compare` with the entry's options)
  /// and returns one case per key, in the reference's order, then the unexpected keys.
  public static func cases(of entry: CompareEntry, in suite: Suite) -> [any SuiteCase] {
    let name = entry.displayName
    let base = ["kind": "compare", "name": name]
    let location = entry.mapLocation.flatMap(Suite.mapLocation)
    var loaded: [Checkpoint] = []
    for path in [entry.reference, entry.candidate] {
      do {
        loaded.append(
          try Checkpoint.load(
            contentsOf: suite.resolve(path), mapLocation: location,
            policy: entry.trust ? .trusted : .weightsOnly, memoryMapped: entry.mmap))
      } catch {
        let failure = CaseResult.Failure(
          message: "\(path): \(error)", type: String(describing: type(of: error)))
        return [
          CompareKeyCase(
            id: "compare/\(name)", model: entry.candidate, axes: base, failure: failure,
            failedStatus: .error)
        ]
      }
    }
    let tolerance = entry.rtol.flatMap { r in
      entry.atol.map { Tolerance(relative: r, absolute: $0) }
    }
    let options = FileComparison.Options(
      tolerance: tolerance, bitwise: entry.bitwise, equalNaN: entry.equalNaN,
      strictDtype: entry.strictDtype, stripPrefixes: entry.stripPrefix, only: entry.only,
      ignore: entry.ignore)
    let result = FileComparison.compare(
      loaded[0], loaded[1], options: options, referenceName: entry.reference,
      candidateName: entry.candidate)
    var verdicts: [(key: String, failure: String?)] = result.rows.map {
      ($0.key.isEmpty ? "(root)" : $0.key, $0.passed ? nil : FileComparison.rowText($0))
    }
    verdicts += result.missingKeys.map {
      (
        $0,
        "\($0): missing in the candidate \(entry.candidate) (in the reference \(entry.reference))"
      )
    }
    verdicts += result.unexpectedKeys.map {
      (
        $0,
        "\($0): unexpected in the candidate \(entry.candidate) (not in the reference \(entry.reference))"
      )
    }
    var seen = Set<String>()
    return verdicts.map { v in
      var id = "compare/\(name)/\(v.key)"
      while !seen.insert(id).inserted { id += "'" }
      var axes = base
      axes["key"] = v.key
      return CompareKeyCase(
        id: id, model: entry.candidate, axes: axes,
        failure: v.failure.map {
          CaseResult.Failure(
            message: "\(entry.candidate) vs \(entry.reference): \($0)", type: "ComparisonFailure")
        })
    }
  }
}
