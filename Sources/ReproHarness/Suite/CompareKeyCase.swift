import Foundation
import ReproFormat

/// One key of a `[[compare]]` entry: a tensor or value present in both files within tolerance,
/// or a key missing from the candidate or unexpected in it, as one case
/// (`compare/<name>/<key>`).
///
/// The two files are loaded and compared once, by `cases(of:in:)`, while the suite expands
/// (the keys are only known then); each case carries its key's result
/// (`FileComparison.caseResults`: figures, `assert_close`'s message). A file that cannot be
/// read gives one `error` case for the whole entry (`compare/<name>`).
public struct CompareKeyCase: SuiteCase {
  /// The key's result, computed when the suite expanded.
  public var result: CaseResult

  /// `compare/<name>/<key>`.
  public var id: String { result.id }
  /// The candidate file's name.
  public var model: String { result.model }
  /// `kind` (`compare`), `name`, `key` and `dtype`.
  public var axes: [String: String] { result.axes }

  /// Returns the key's result, computed when the suite expanded.
  public func run(in context: SuiteContext) -> CaseResult { result }

  /// Loads both files of an entry, compares them (as `repro compare` with the entry's options)
  /// and returns one case per key, in the reference's order, then the missing, unexpected and
  /// duplicate keys.
  public static func cases(of entry: CompareEntry, in suite: Suite) -> [any SuiteCase] {
    let name = entry.displayName
    let base = ["kind": "compare", "name": name]
    let location = entry.mapLocation.flatMap(Suite.mapLocation)
    let start = Date()
    var loaded: [Checkpoint] = []
    for path in [entry.reference, entry.candidate] {
      do {
        let url = suite.resolve(path)
        let policy: LoadPolicy = entry.trust ? .trusted : .weightsOnly
        // Without mmap, read as `repro compare` reads: mapped, CRC-checked, in chunks.
        loaded.append(
          entry.mmap
            ? try Checkpoint.load(
              contentsOf: url, mapLocation: location, policy: policy, memoryMapped: true)
            : try Checkpoint.loadForReading(contentsOf: url, mapLocation: location, policy: policy))
      } catch {
        let failure = CaseResult.Failure(
          message: "\(path): \(error)", type: String(describing: type(of: error)))
        return [
          CompareKeyCase(
            result: CaseResult(
              id: "compare/\(name)", model: entry.candidate, axes: base, status: .error,
              failure: failure, startedAt: start))
        ]
      }
    }
    let comparison = FileComparison.compare(
      loaded[0], loaded[1], options: entry.options, referenceName: entry.reference,
      candidateName: entry.candidate)
    return comparison.caseResults(
      model: entry.candidate, idPrefix: "compare/\(name)/", axes: base, startedAt: start
    ).map { c in
      var c = c
      c.axes["key"] = String(c.id.dropFirst("compare/\(name)/".count))
      if var f = c.failure {
        f.message = "\(entry.candidate) vs \(entry.reference): \(f.message)"
        c.failure = f
      }
      return CompareKeyCase(result: c)
    }
  }
}
