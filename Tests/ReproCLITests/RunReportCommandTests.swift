import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// `repro run` and `repro report` end to end: a small slice of the matrix run in two shards on
/// the committed goldens, merged by `repro report`, and the same slice against a golden with one
/// flipped bit.
@Suite struct RunReportCommandTests {
  /// Four cases of the simple model (state dict in torch and safetensors, checkpoint, module).
  static let filter = "model=simple,seed=0,dtype=float32,device=cpu,route=plain,backend=blas1"

  @Test func shardsMergeIntoTheSameReportsAsTheLibraryWrites() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-run")
    defer { try? FileManager.default.removeItem(at: dir) }
    var shards: [URL] = []
    for shard in ["1/2", "2/2"] {
      let json = dir.appendingPathComponent("shard-\(shard.prefix(1)).json")
      let r = try ReproBinary.run(
        [
          "run", "--filter", Self.filter, "--shard", shard, "--golden",
          Repository.goldenRoot.path, "--json", json.path, "--threads", "1", "--record", "never",
        ], currentDirectory: dir)
      #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
      #expect(r.stdout.hasPrefix("repro run: 2 cases: 2 passed, 0 failed, 0 errors, 0 skipped in "))
      let result = try RunResult.load(from: json)
      #expect(result.shards == [shard])
      #expect(result.environment.openBLASThreads == 1)
      shards.append(json)
    }
    let junit = dir.appendingPathComponent("junit.xml")
    let html = dir.appendingPathComponent("report.html")
    let merged = dir.appendingPathComponent("merged.json")
    let r = try ReproBinary.run([
      "report", "--from", dir.path, "--junit", junit.path, "--html", html.path, "--json",
      merged.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let want = try RunResult.merged(contentsOf: shards)
    #expect(r.stdout == "repro report: \(want.summaryLine)\n")
    #expect(want.summary.tests == 4 && want.shards == ["1/2", "2/2"])
    #expect(try RunResult.load(from: merged) == want)
    #expect(try String(contentsOf: html, encoding: .utf8) == HTMLReport.render(want))
    #expect(try Data(contentsOf: junit) == JUnitReport.data(for: want))
  }

  /// `repro` stops OpenBLAS's idle pool when it starts (`BLAS.stopIdleThreads`); the blasN
  /// cases then restart it with more threads than it had and must still match the goldens bit
  /// for bit.
  @Test func blasNCasesPassWithMoreThreadsAfterThePoolWasStopped() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let json = dir.appendingPathComponent("results.json")
    let r = try ReproBinary.run(
      [
        "run", "--filter", "seed=0,backend=blasN", "--golden", Repository.goldenRoot.path,
        "--json", json.path, "--threads", "4", "--record", "never",
      ], currentDirectory: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.hasPrefix("repro run: 9 cases: 9 passed, 0 failed, 0 errors, 0 skipped in "))
    #expect(try RunResult.load(from: json).environment.openBLASThreads == 4)
  }

  @Test func aChangedGoldenFailsTheRunAndTheReport() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let golden = dir.appendingPathComponent("Golden")
    try FileManager.default.createDirectory(
      at: golden.appendingPathComponent("matrix"), withIntermediateDirectories: true)
    let name = "matrix/simple-s0-float32.json"
    let text = try String(contentsOf: Repository.golden(name), encoding: .utf8)
    let first = try #require(text.range(of: "\"bf97ac37\""), "the golden changed")
    try text.replacingCharacters(in: first, with: "\"bf97ac36\"").write(
      to: golden.appendingPathComponent(name), atomically: true, encoding: .utf8)
    let json = dir.appendingPathComponent("results.json")
    let run = try ReproBinary.run(
      [
        "run", "--filter", "model=simple,seed=0,dtype=float32,device=cpu,backend=reference",
        "--golden", golden.path, "--json", json.path, "--record", "never",
      ], currentDirectory: dir)
    #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
    #expect(
      run.stdout.hasPrefix(
        "FAIL simple/s0/float32/cpu/torch/state_dict/plain/reference: ['forward output']: Golden/matrix/simple-s0-float32.json differs in 1 place"
      ),
      "\(run.stdout)")
    let report = try ReproBinary.run(["report", "--from", json.path])
    #expect(report.status == 1)
    #expect(report.stdout.hasPrefix("repro report: 1 cases: 0 passed, 1 failed, 0 errors"))
  }

  @Test func reportInputErrorsExitWith2() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-report")
    defer { try? FileManager.default.removeItem(at: dir) }
    let missing = try ReproBinary.run([
      "report", "--from", dir.appendingPathComponent("nope.json").path,
    ])
    #expect(missing.status == 2)
    #expect(missing.stderr == "repro report: io: \(dir.path)/nope.json: no such file or folder\n")
    let none = try ReproBinary.run(["report", "--junit", "x.xml"])
    #expect(none.status == 2)
    #expect(none.stderr.hasPrefix("repro report: no results given"))
    let empty = try ReproBinary.run(["report", "--from", dir.path])
    #expect(empty.status == 2)
    #expect(empty.stderr == "repro report: io: \(dir.path): the folder holds no .json results\n")
  }

  @Test func badShardsAndThreadsAreUsageErrors() throws {
    for arguments in [
      ["--shard", "3/2"], ["--shard", "0/2"], ["--shard", "2"], ["--threads", "0"],
      ["--record", "sometimes"],
    ] {
      let r = try ReproBinary.run(["run"] + arguments)
      #expect(r.status == 64, "\(arguments)")
      #expect(r.stderr.hasPrefix("Error: "), "\(arguments): \(r.stderr)")
    }
  }
}
