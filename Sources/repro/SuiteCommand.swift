import ArgumentParser
import Foundation
import ReproCLI
import ReproHarness

/// `repro suite`: suite files (`repro.toml`), run by `repro run --suite`.
struct SuiteCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "suite",
    abstract: "Write suite files: the user's own checks, run by `repro run --suite FILE`.",
    subcommands: [Init.self])

  /// Writes a commented starter suite for the given checkpoints.
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Write a commented starter repro.toml for the given checkpoints.",
      discussion: """
        Each file is read (nothing is executed) to sniff its format and dtypes; the suite gets \
        one [[golden]] entry (the file must keep matching its recorded inventory) and one \
        [[roundtrip]] entry (formats and dtypes fitting the file) per file, and commented \
        [[compare]] and [[generate]] examples. Paths are written relative to the suite file. \
        Exit status: 0 written, 2 a file cannot be read or written, 64 the suite file exists \
        (without --force).
        """)

    @Argument(help: ArgumentHelp("Checkpoints the suite should check.", valueName: "file"))
    var files: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The suite file to write.", valueName: "file"))
    var output = "repro.toml"

    @Flag(help: "Overwrite the suite file if it exists.")
    var force = false

    func validate() throws {
      if !force && FileManager.default.fileExists(atPath: output) {
        throw ValidationError("\(output) exists; --force overwrites it")
      }
    }

    func run() throws {
      do {
        try SuiteStarter.write(
          files: files.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: output),
          overwriting: force)
      } catch {
        StandardError.print("repro suite init: \(error)")
        throw ReproExit.inputError
      }
      print(
        "wrote \(output): \(files.count) checkpoint\(files.count == 1 ? "" : "s"); run it with `repro run --suite \(output)`"
      )
    }
  }
}
