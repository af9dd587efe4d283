import ArgumentParser
import Foundation
import ReproCLI
import ReproHarness

/// `repro report`: regenerate reports from saved results, merging shards.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write JUnit XML, HTML and JSON reports from saved results, merging shards.",
    discussion: """
      Reads the results JSON files that `repro run --json` writes (a folder stands for the \
      .json files in it), merges them (a case id may appear only once) and writes the \
      requested reports without running anything again. Prints a one-line summary. With \
      --baseline, each case is marked against a previous run. Exit status: 0 when every case \
      passed or was skipped, 1 when a case failed or errored (with --fail-on new-failures: \
      when a case failed that had not failed in the baseline), 2 when a file cannot be read, \
      merged or written, or no results file is given.
      """)

  @Option(
    parsing: .upToNextOption,
    help: ArgumentHelp(
      "Results JSON files or folders of them, e.g. results/*.json.", valueName: "file"))
  var from: [String] = []

  @Option(help: ArgumentHelp("Write a JUnit XML report here.", valueName: "file"))
  var junit: String?

  @Option(help: ArgumentHelp("Write the self-contained HTML report here.", valueName: "file"))
  var html: String?

  @Option(help: ArgumentHelp("Write the merged results as JSON here.", valueName: "file"))
  var json: String?

  @OptionGroup var baseline: BaselineOptions

  func run() throws {
    guard !from.isEmpty else {
      StandardError.print(
        "repro report: no results given: pass --from FILE... (see repro report --help)")
      throw ReproExit.inputError
    }
    let previous = try baseline.load(command: "repro report")
    let result: RunResult
    let comparison: BaselineComparison?
    do {
      result = try RunResult.merged(contentsOf: from.map { URL(fileURLWithPath: $0) })
      comparison = baseline.compare(result, with: previous)
      try result.writeReports(
        junit: junit.map { URL(fileURLWithPath: $0) }, html: html.map { URL(fileURLWithPath: $0) },
        json: json.map { URL(fileURLWithPath: $0) }, baseline: comparison)
    } catch {
      StandardError.print("repro report: \(error)")
      throw ReproExit.inputError
    }
    print("repro report: \(result.summaryLine)")
    try baseline.conclude(result, comparison, command: "repro report")
  }
}
