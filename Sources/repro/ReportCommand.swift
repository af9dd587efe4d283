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
      requested reports without running anything again. Prints a one-line summary. Exit \
      status: 0 when every case passed or was skipped, 1 when a case failed or errored, 2 when \
      a file cannot be read, merged or written, or no results file is given.
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

  func run() throws {
    guard !from.isEmpty else {
      StandardError.print(
        "repro report: no results given: pass --from FILE... (see repro report --help)")
      throw ReproExit.inputError
    }
    let result: RunResult
    do {
      result = try RunResult.merged(contentsOf: from.map { URL(fileURLWithPath: $0) })
      try result.writeReports(
        junit: junit.map { URL(fileURLWithPath: $0) }, html: html.map { URL(fileURLWithPath: $0) },
        json: json.map { URL(fileURLWithPath: $0) })
    } catch {
      StandardError.print("repro report: \(error)")
      throw ReproExit.inputError
    }
    print("repro report: \(result.summaryLine)")
    if !result.summary.isSuccess { throw ReproExit.failure }
  }
}
