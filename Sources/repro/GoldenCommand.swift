import ArgumentParser
import Foundation
import ReproCLI
import ReproHarness

/// `repro golden`: verify, record or update the golden files under `Golden/`.
struct GoldenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "golden",
    abstract: "Verify, record or update the golden files (Golden/ and its MANIFEST.json).",
    subcommands: [Verify.self, Record.self, Update.self],
    defaultSubcommand: Verify.self)

  /// Options shared by the golden subcommands.
  struct Location: ParsableArguments {
    @Option(help: "The golden folder.")
    var root = "Golden"

    @Option(help: "Only the goldens whose name contains this text (writer gate).")
    var filter: String?

    var url: URL { URL(fileURLWithPath: root) }

    /// Runs a pass and prints its lines; a failed verify exits 1, an unwritable golden 2.
    func run(_ pass: GoldenRun) throws {
      let outcome: GoldenRun.Outcome
      do {
        outcome = try pass.run()
      } catch {
        StandardError.report(error, file: root)
        throw ReproExit.inputError
      }
      for line in outcome.lines { print(line) }
      if !pass.updatesManifest && !outcome.isSuccess { throw ReproExit.failure }
    }
  }

  /// Checks the manifest and the writer gate; records nothing.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Check every golden byte against MANIFEST.json and every file Repro writes against its golden (the default)."
    )
    @OptionGroup var location: Location

    func run() throws {
      try location.run(.verify(root: location.url, filter: location.filter))
    }
  }

  /// Records the goldens that are missing.
  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Record missing goldens (existing ones are compared, not overwritten) and refresh MANIFEST.json."
    )
    @OptionGroup var location: Location

    func run() throws {
      try location.run(.record(root: location.url, filter: location.filter))
    }
  }

  /// Re-records everything that differs and rewrites the manifest.
  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-record goldens that differ, print what changed, and rewrite MANIFEST.json.")
    @OptionGroup var location: Location

    func run() throws {
      try location.run(.update(root: location.url, filter: location.filter))
    }
  }
}
