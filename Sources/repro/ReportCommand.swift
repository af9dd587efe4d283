import ArgumentParser
import Foundation
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
    var stderr = StandardError()
    guard !from.isEmpty else {
      print(
        "repro report: no results given: pass --from FILE... (see repro report --help)", to: &stderr
      )
      throw ReproExit.inputError
    }
    let run: RunResult
    do {
      let files = try resultFiles()
      run = try RunResult.merged(
        try files.map { url throws(HarnessError) in try RunResult.load(from: url) })
    } catch {
      print("repro report: \(error)", to: &stderr)
      throw ReproExit.inputError
    }
    do {
      if let junit { try JUnitReport.write(run, to: URL(fileURLWithPath: junit)) }
      if let html { try HTMLReport.write(run, to: URL(fileURLWithPath: html)) }
      if let json { try run.write(to: URL(fileURLWithPath: json)) }
    } catch {
      print("repro report: \(error)", to: &stderr)
      throw ReproExit.inputError
    }
    let s = run.summary
    print(
      "repro report: \(s.tests) cases: \(s.passed) passed, \(s.failures) failed, \(s.errors) errors, "
        + "\(s.skipped) skipped in \(String(format: "%.3f", run.duration)) s")
    if !s.isSuccess { throw ReproExit.failure }
  }

  /// The files named by --from, folders expanded to their .json files (sorted).
  private func resultFiles() throws(HarnessError) -> [URL] {
    var urls: [URL] = []
    for path in from {
      var isDirectory: ObjCBool = false
      guard unsafe FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw HarnessError(.io, "\(path): no such file or folder")
      }
      if isDirectory.boolValue {
        let names: [String]
        do {
          names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
          throw HarnessError(.io, "\(path): cannot list the folder", cause: error)
        }
        let json = names.filter { $0.hasSuffix(".json") }.sorted()
        if json.isEmpty { throw HarnessError(.io, "\(path): the folder holds no .json results") }
        urls += json.map { URL(fileURLWithPath: path).appendingPathComponent($0) }
      } else {
        urls.append(URL(fileURLWithPath: path))
      }
    }
    return urls
  }
}
