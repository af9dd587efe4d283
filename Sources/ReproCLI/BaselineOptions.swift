public import ArgumentParser
import Foundation
public import ReproHarness

extension FailurePolicy: ExpressibleByArgument {}

/// `--baseline` and `--fail-on`, shared by `repro run` and `repro report`: mark each case against
/// a previous run and choose which failures fail the command.
///
/// ```swift
/// @OptionGroup var baseline: BaselineOptions
/// let previous = try baseline.load(command: "repro run")   // before running anything
/// let result = try runner.run(matrix)
/// let comparison = baseline.compare(result, with: previous)
/// try baseline.conclude(result, comparison, command: "repro run")
/// ```
public struct BaselineOptions: ParsableArguments {
  /// The previous run's results (a `--json` file, or a folder of shard results).
  @Option(
    help: ArgumentHelp(
      "Mark each case against a previous run's results (a --json file or a folder of them) as new failure, fixed, unchanged or new, and list the gone cases.",
      valueName: "file"))
  public var baseline: String?

  /// Which results fail the command.
  @Option(
    help: ArgumentHelp(
      "Exit 1 on any failed case, or only on new failures against --baseline.",
      valueName: "which"))
  public var failOn: FailurePolicy = .failures

  /// Creates the options with their defaults.
  public init() {}

  /// Refuses `--fail-on new-failures` without `--baseline`.
  public func validate() throws {
    if failOn == .newFailures && baseline == nil {
      throw ValidationError("--fail-on new-failures needs --baseline FILE")
    }
  }

  /// Reads the baseline, if one was given; call it before running anything.
  ///
  /// - Parameter command: the command's name for the error line (`repro run`).
  /// - Returns: the baseline run (shard files merged), or nil without `--baseline`.
  /// - Throws: `ReproExit.inputError` after printing `<command>: <error>` when the baseline
  ///   cannot be read or is not a results file.
  public func load(command: String) throws -> RunResult? {
    guard let baseline else { return nil }
    do {
      return try RunResult.merged(contentsOf: [URL(fileURLWithPath: baseline)])
    } catch {
      StandardError.print("\(command): baseline: \(error)")
      throw ReproExit.inputError
    }
  }

  /// The run compared with the loaded baseline, or nil without one.
  public func compare(_ run: RunResult, with previous: RunResult?) -> BaselineComparison? {
    guard let previous, let baseline else { return nil }
    return BaselineComparison(run, baseline: previous, source: baseline)
  }

  /// Prints the baseline's change lines and summary, then fails the command as `--fail-on` says.
  ///
  /// Prints `NEW FAILURE`/`FIXED`/`GONE` lines and `<command>: baseline <file>: 2 new failures,
  /// 1 fixed, 303 unchanged, 0 new, 0 gone` when there is a baseline.
  ///
  /// - Throws: `ReproExit.failure` when the run fails under the policy.
  public func conclude(_ run: RunResult, _ comparison: BaselineComparison?, command: String)
    throws
  {
    if let comparison {
      for line in comparison.changeLines { print(line) }
      print("\(command): baseline \(comparison.source): \(comparison.summaryLine)")
    }
    if failOn.fails(run, baseline: comparison) { throw ReproExit.failure }
  }
}
