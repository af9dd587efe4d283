import ArgumentParser
import Foundation
import ReproCLI
import ReproHarness

/// `repro run`: the round-trip matrix, with JUnit, HTML and JSON reports.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the round-trip matrix against the goldens and write JUnit/HTML/JSON reports.",
    discussion: """
      Each case generates a model from a seed (bit-identical to PyTorch), runs a forward pass, \
      saves it (torch zip or safetensors; state_dict, training checkpoint or whole module; cpu or \
      cuda tags), reloads it (plain, mmap, non-strict, DataParallel prefix, cast on load, \
      map_location) and checks every tensor bitwise, the forward output before/after reload and \
      against its golden, and that resumed training equals uninterrupted training. Goldens are \
      compared, never silently recorded under CI=true; REPRO_RECORD=missing|failed|all records. \
      With --baseline, each case is marked against a previous run. Exit status: 0 all \
      pass, 1 failures (with --fail-on new-failures: new failures only), 2 I/O errors, 64 usage \
      errors.
      """)

  @Option(help: "Write a JUnit XML report here.")
  var junit: String?

  @Option(help: "Write a self-contained HTML report here.")
  var html: String?

  @Option(help: "Write the results as JSON here (for `repro report --from`).")
  var json: String?

  @Option(
    help:
      "Only cases matching axis=value[|value] terms, comma-separated (axes: model, seed, dtype, device, format, mode, route, backend)."
  )
  var filter: String?

  @Option(help: ArgumentHelp("Run shard i of n (1-based), e.g. 2/4.", valueName: "i/n"))
  var shard: MatrixShard?

  @Option(help: "OpenBLAS threads for the blasN backend (default: the number of active CPUs).")
  var threads: Int?

  @Flag(help: "Run the full matrix (every axis crossed) instead of the default one.")
  var full = false

  @Option(help: "The golden folder.")
  var golden = "Golden"

  @Option(
    help: ArgumentHelp(
      "Whether goldens are recorded (default: $REPRO_RECORD, else never under CI=true, else missing).",
      valueName: "mode"))
  var record: RecordMode?

  @OptionGroup var baseline: BaselineOptions

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }

  func run() throws {
    var matrix = full ? Matrix.full : Matrix.standard
    if let filter {
      do { matrix = try matrix.filtered(filter) } catch { throw ValidationError("\(error)") }
    }
    if let shard { matrix = matrix.shard(shard) }
    let store = GoldenStore(
      root: URL(fileURLWithPath: golden),
      mode: record ?? .fromEnvironment(ProcessInfo.processInfo.environment),
      artifactRoot: URL(fileURLWithPath: "Reports/golden-actual"))
    let runner = MatrixRunner(
      golden: store, scratch: FileManager.default.temporaryDirectory,
      threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
    let previous = try baseline.load(command: "repro run")
    let bar = ProgressBar()
    let result: RunResult
    let comparison: BaselineComparison?
    do {
      result = try runner.run(matrix, progress: bar.advance)
      bar.finish()
      comparison = baseline.compare(result, with: previous)
      try result.writeReports(
        junit: junit.map { URL(fileURLWithPath: $0) }, html: html.map { URL(fileURLWithPath: $0) },
        json: json.map { URL(fileURLWithPath: $0) }, baseline: comparison)
    } catch {
      bar.finish()
      StandardError.print("repro run: \(error)")
      throw ReproExit.inputError
    }
    for line in result.failureLines { print(line) }
    print("repro run: \(result.summaryLine)")
    try baseline.conclude(result, comparison, command: "repro run")
  }
}
