import ArgumentParser
import Foundation
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
  }

  /// Checks the manifest and the writer gate; records nothing.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Check every golden byte against MANIFEST.json and every file Repro writes against its golden (the default)."
    )
    @OptionGroup var location: Location

    func run() throws {
      let ok = try GoldenRun(location: location, mode: .never, updatesManifest: false).run()
      if !ok { throw ReproExit.failure }
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
      _ = try GoldenRun(location: location, mode: .missing, updatesManifest: true).run()
    }
  }

  /// Re-records everything that differs and rewrites the manifest.
  struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Re-record goldens that differ, print what changed, and rewrite MANIFEST.json.")
    @OptionGroup var location: Location

    func run() throws {
      _ = try GoldenRun(location: location, mode: .failed, updatesManifest: true).run()
    }
  }
}

/// One pass over the goldens, shared by the subcommands.
struct GoldenRun {
  let location: GoldenCommand.Location
  let mode: RecordMode
  let updatesManifest: Bool

  /// Prints one line per golden and a summary; returns whether everything matched.
  func run() throws -> Bool {
    let root = location.url
    var failures = 0
    if !updatesManifest {
      do {
        let problems = try GoldenManifest.load(root: root).problems(root: root)
        for p in problems { print("FAIL manifest: \(p)") }
        failures += problems.count
      } catch {
        print("FAIL manifest: cannot read \(root.path)/MANIFEST.json: \(error)")
        failures += 1
      }
    }
    let store = GoldenStore(
      root: root, mode: mode, artifactRoot: URL(fileURLWithPath: "Reports/golden-actual"))
    var counts = (matched: 0, recorded: 0)
    for (name, outcome) in try WriterGate.check(store: store)
    where location.filter.map({ name.contains($0) }) ?? true {
      switch outcome {
      case .matched: counts.matched += 1
      case .recorded:
        counts.recorded += 1
        print("recorded writer/\(name): \(outcome.message)")
      default:
        failures += 1
        print("FAIL writer/\(name): \(outcome.message)")
      }
    }
    if updatesManifest {
      try GoldenManifest.scan(root: root, generator: "repro \(ReproVersion.string)").write(
        root: root)
      print("MANIFEST.json rewritten")
    }
    print("golden: \(counts.matched) matched, \(counts.recorded) recorded, \(failures) failed")
    return failures == 0 && counts.recorded == 0
  }
}
