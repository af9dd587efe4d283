import ArgumentParser
import Foundation
import ReproHarness
import ReproTensor

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
      Exit status: 0 all pass, 1 failures, 2 usage or I/O errors.
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

  @Option(help: "Run shard i of n (1-based), e.g. 2/4.")
  var shard: String?

  @Option(help: "OpenBLAS threads for the blasN backend.")
  var threads = ProcessInfo.processInfo.activeProcessorCount

  @Flag(help: "Run the full matrix (every axis crossed) instead of the default one.")
  var full = false

  @Option(help: "The golden folder.")
  var golden = "Golden"

  func validate() throws {
    if let shard {
      let parts = shard.split(separator: "/").compactMap { Int($0) }
      guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
        throw ValidationError("--shard must be i/n with 1 <= i <= n, got '\(shard)'")
      }
    }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
  }

  func run() throws {
    var matrix = full ? Matrix.full : Matrix.standard
    if let filter {
      do { matrix = try matrix.filtered(filter) } catch { throw ValidationError("\(error)") }
    }
    if let shard {
      let parts = shard.split(separator: "/").compactMap { Int($0) }
      matrix = matrix.shard(parts[0], of: parts[1])
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-run-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    } catch {
      reportError(error, file: scratch.path)
      throw ReproExit.inputError
    }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let store = GoldenStore(
      root: URL(fileURLWithPath: golden),
      mode: .fromEnvironment(ProcessInfo.processInfo.environment),
      artifactRoot: URL(fileURLWithPath: "Reports/golden-actual"))
    let runner = MatrixRunner(golden: store, scratch: scratch, threads: threads)
    let progress = Progress(total: matrix.cases.count)
    let start = Date()
    var results: [CaseResult] = []
    for c in matrix.cases {
      let r = runner.run(c)
      results.append(r)
      progress.advance(r)
    }
    progress.finish()
    let run = RunResult(
      environment: .current(openBLASThreads: threads, reproVersion: ReproVersion.string),
      cases: results,
      startedAt: start, duration: Date().timeIntervalSince(start),
      shards: shard.map { [$0] } ?? [])
    do {
      if let junit { try JUnitReport.write(run, to: URL(fileURLWithPath: junit)) }
      if let html { try HTMLReport.write(run, to: URL(fileURLWithPath: html)) }
      if let json { try run.write(to: URL(fileURLWithPath: json)) }
    } catch {
      reportError(error, file: "reports")
      throw ReproExit.inputError
    }
    let s = run.summary
    for r in results where r.status == .fail || r.status == .error {
      print("\(r.status == .fail ? "FAIL" : "ERROR") \(r.id): \(r.failure?.message ?? "")")
    }
    print(
      String(
        format: "matrix: %d cases in %.1f s: %d passed, %d failed, %d errors", s.tests,
        run.duration, s.passed, s.failures, s.errors))
    if !s.isSuccess { throw ReproExit.failure }
  }
}

/// A one-line progress bar on a terminal (standard error), nothing otherwise.
final class Progress {
  let total: Int
  var done = 0
  var failed = 0
  let isTerminal = isatty(STDERR_FILENO) != 0

  init(total: Int) { self.total = total }

  func advance(_ r: CaseResult) {
    done += 1
    if r.status == .fail || r.status == .error { failed += 1 }
    guard isTerminal else { return }
    let width = 30
    let filled = total == 0 ? width : width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    var stderr = StandardError()
    print(
      "\r[\(bar)] \(done)/\(total) \(failed) failed  \(r.id)\u{1B}[K", terminator: "", to: &stderr)
  }

  func finish() {
    guard isTerminal else { return }
    var stderr = StandardError()
    print("\r\u{1B}[K", terminator: "", to: &stderr)
  }
}
