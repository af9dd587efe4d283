import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// The one runner: the matrix as the default suite, suite files' cases, filters, shards and the
/// CI shard variables.
@Suite struct SuiteRunnerTests {
  static let example = Repository.golden("suites/example/repro.toml")

  static func context(_ suite: Suite, mode: RecordMode = .never) -> SuiteContext {
    SuiteContext(
      golden: suite.goldenStore(mode: mode, artifactRoot: nil),
      scratch: FileManager.default.temporaryDirectory, threads: 1)
  }

  @Test func theDefaultSuiteIsTheStandardMatrix() throws {
    let runner = MatrixRunner(
      golden: GoldenStore(root: Repository.goldenRoot, mode: .never),
      scratch: FileManager.default.temporaryDirectory, threads: 1)
    let cases = runner.suiteCases(.standard)
    // 306 cases of the four zoo models, 66 of gpt_tiny and transformer_encoder.
    #expect(cases.count == 372)
    #expect(
      cases.filter { ["gpt_tiny", "transformer_encoder"].contains($0.axes["model"]) }.count == 66)
    #expect(cases.map(\.id) == Matrix.standard.cases.map(\.id))
    let first = try #require(cases.first)
    #expect(first.axes["model"] == "simple" && first.axes["backend"] == "blas1")
    let filtered = try SuiteFilter(parsing: "model=mlp,dtype=bfloat16").apply(to: cases)
    #expect(
      filtered.map(\.id)
        == (try Matrix.standard.filtered("model=mlp,dtype=bfloat16")).cases.map(\.id))
  }

  /// `repro run` without `--suite` plans the standard matrix, filtered and sharded as before.
  @Test func theRunPlanWithoutASuiteIsTheMatrix() throws {
    let plan = try RunPlan.make(
      suite: nil, filter: nil, shard: nil, record: .never, threads: 1, environment: [:])
    #expect(plan.cases.map(\.id) == Matrix.standard.cases.map(\.id))
    #expect(plan.context.golden.mode == .never && plan.shard == nil)
    let shard = try #require(MatrixShard("2/4"))
    let part = try RunPlan.make(
      suite: nil, filter: "model=cnn", shard: shard, record: nil, threads: 1,
      environment: ["CI": "true"])
    #expect(
      part.cases.map(\.id)
        == (try Matrix.standard.filtered("model=cnn")).shard(shard).cases.map(\.id))
    #expect(part.context.golden.mode == .never)
    #expect(throws: HarnessError.self) {
      try RunPlan.make(
        suite: nil, filter: "modle=cnn", shard: nil, record: nil, threads: 1, environment: [:])
    }
  }

  @Test func theExampleSuiteExpandsIntoOneCasePerKeySeedAndDtype() throws {
    let suite = try Suite.load(from: Self.example)
    let ids = suite.cases().map(\.id)
    let keys = ["0.weight", "0.bias", "2.weight", "2.bias"]
    #expect(
      ids.prefix(8)
        == ArraySlice(
          keys.map { "compare/fp16 export stays close/\($0)" }
            + keys.map { "compare/DataParallel copy is the same model/\($0)" }))
    #expect(
      ids.suffix(4) == [
        "generate/mlp/s0/float32", "generate/mlp/s0/bfloat16", "generate/mlp/s1/float32",
        "generate/mlp/s1/bfloat16",
      ])
  }

  @Test func filtersAndShardsSelectSuiteCases() throws {
    let suite = try Suite.load(from: Self.example)
    let cases = suite.cases()
    let bf16 = try SuiteFilter(parsing: "kind=generate,dtype=bfloat16").apply(to: cases)
    #expect(bf16.map(\.id) == ["generate/mlp/s0/bfloat16", "generate/mlp/s1/bfloat16"])
    let one = try SuiteFilter(parsing: "key=0.bias|2.bias,name=fp16 export stays close").apply(
      to: cases)
    #expect(
      one.map(\.id) == [
        "compare/fp16 export stays close/0.bias", "compare/fp16 export stays close/2.bias",
      ])
    #expect(
      throws: HarnessError(
        .invalidFilter,
        "unknown axis 'knd' in filter; axes: device, dtype, file, format, key, kind, name, route, seed"
      )
    ) {
      try SuiteFilter(parsing: "knd=compare").validate(axes: suite.axisNames)
    }
    let shards = (1...3).map { MatrixShard(index: $0, count: 3)!.select(cases).map(\.id) }
    #expect(Set(shards.flatMap { $0 }) == Set(cases.map(\.id)))
    #expect(shards.map(\.count).reduce(0, +) == cases.count)
    #expect(shards[1].first == cases[1].id)
  }

  @Test func gitLabParallelVariablesNameTheShard() throws {
    #expect(try MatrixShard.fromEnvironment([:]) == nil)
    #expect(
      try MatrixShard.fromEnvironment(["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"])
        == MatrixShard(index: 2, count: 3))
    for bad in [
      ["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"], ["CI_NODE_TOTAL": "3"],
      ["CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "3"], ["CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "3"],
    ] {
      #expect(throws: HarnessError.self) { try MatrixShard.fromEnvironment(bad) }
    }
    let plan = try RunPlan.make(
      suite: Self.example, filter: "kind=generate", shard: nil, record: .never, threads: 1,
      environment: ["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2"])
    #expect(plan.shard == MatrixShard(index: 1, count: 2))
    #expect(plan.cases.map(\.id) == ["generate/mlp/s0/float32", "generate/mlp/s1/float32"])
  }

  /// Repro's generated models match the inventories PyTorch wrote (make_suite_fixtures.py).
  @Test func generatedModelsMatchPyTorchsInventories() throws {
    let suite = try Suite.load(from: Self.example)
    let cases = try SuiteFilter(parsing: "kind=generate").apply(to: suite.cases())
    let result = try SuiteRunner.run(cases, context: Self.context(suite))
    #expect(result.cases.count == 4)
    for c in result.cases { #expect(c.status == .pass, "\(c.id): \(c.failure?.details ?? "")") }
  }

  @Test func aChangedGenerateGoldenNamesTheTensor() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = dir.appendingPathComponent("generate")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let golden = Repository.golden("suites/example/golden/generate/mlp-s1-float32.json")
    var document = try String(contentsOf: golden, encoding: .utf8)
    let sha = try #require(document.range(of: "\"sha256\": \""))
    let digit = document.index(sha.upperBound, offsetBy: 0)
    document.replaceSubrange(digit...digit, with: document[digit] == "0" ? "1" : "0")
    try document.write(
      to: folder.appendingPathComponent("mlp-s1-float32.json"), atomically: true, encoding: .utf8)
    let toml = dir.appendingPathComponent("repro.toml")
    try Data(
      "golden_dir = \".\"\n[[generate]]\nname = \"mlp\"\nmodel = \"Sequential(Linear(4, 8), ReLU(), Linear(8, 2))\"\nseeds = [1]\n"
        .utf8
    ).write(to: toml)
    let suite = try Suite.load(from: toml)
    let result = try SuiteRunner.run(suite.cases(), context: Self.context(suite))
    let c = try #require(result.cases.first)
    #expect(c.status == .fail)
    #expect(c.failure?.type == "GoldenMismatch")
    // The first tensor in the document's sorted order is 0.bias.
    #expect(
      c.failure?.message.contains(
        "generate/mlp-s1-float32.json differs in 1 place: tensors/0.bias/sha256: golden") == true,
      "\(c.failure?.message ?? "")")
  }

  @Test func aMissingGoldenFailsWhenNothingRecords() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let toml = dir.appendingPathComponent("repro.toml")
    try Data("[[generate]]\nmodel = \"Sequential(Linear(2, 2))\"\n".utf8).write(to: toml)
    let suite = try Suite.load(from: toml)
    let never = try SuiteRunner.run(suite.cases(), context: Self.context(suite))
    #expect(never.cases.first?.failure?.type == "GoldenMissing")
    let recording = try SuiteRunner.run(suite.cases(), context: Self.context(suite, mode: .missing))
    #expect(recording.cases.first?.status == .fail)
    #expect(recording.cases.first?.failure?.type == "GoldenRecorded")
    let again = try SuiteRunner.run(suite.cases(), context: Self.context(suite))
    #expect(again.cases.first?.status == .pass)
  }

  @Test func aPerturbedCandidateFailsItsKeyOnly() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let toml = dir.appendingPathComponent("repro.toml")
    let reference = Repository.golden("pytorch/interop/seq_mlp_fp32.pt").path
    let candidate = Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt").path
    try Data(
      "[[compare]]\nname = \"p\"\nreference = \"\(reference)\"\ncandidate = \"\(candidate)\"\n".utf8
    ).write(to: toml)
    let suite = try Suite.load(from: toml)
    let result = try SuiteRunner.run(suite.cases(), context: Self.context(suite))
    #expect(result.cases.map(\.status) == [.fail, .pass, .pass, .pass])
    #expect(result.cases.first?.id == "compare/p/0.weight")
    #expect(
      result.cases.first?.failure?.message
        == "\(candidate) vs \(reference): 0.weight: float32 -> float32, mismatched 1 / 4, max abs 0.5, max rel 0.8591349236692234, max ULP 23926569 (float32), worst index 2: reference -0.5819807648658752, candidate -0.08198076486587524"
    )
  }

  /// `rename`, `add_prefix` and `max_ulp` on the files `Scripts/make_compare_goldens.py` wrote
  /// (its `ulp_shifted.json`: torch counts 5 ULPs at `2.weight`, at most 3 elsewhere).
  @Test func keyMappingAndULPEntriesCompareAsReproCompareDoes() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let toml = dir.appendingPathComponent("repro.toml")
    func path(_ p: String) -> String { Repository.golden(p).path }
    try Data(
      """
      [[compare]]
      name = "renamed"
      reference = "\(path("pytorch/interop/seq_mlp_fp32.pt"))"
      candidate = "\(path("pytorch/compare/seq_mlp_renamed.pt"))"
      rename = ["0=fc1", "2=fc2"]

      [[compare]]
      name = "prefixed"
      reference = "\(path("pytorch/interop/dataparallel_prefix.pt"))"
      candidate = "\(path("pytorch/interop/seq_mlp_fp32.pt"))"
      add_prefix = "module."

      [[compare]]
      name = "ulp"
      reference = "\(path("pytorch/interop/seq_mlp_fp32.pt"))"
      candidate = "\(path("pytorch/compare/seq_mlp_ulp_shifted.pt"))"
      max_ulp = 4
      """.utf8
    ).write(to: toml)
    let suite = try Suite.load(from: toml)
    let result = try SuiteRunner.run(suite.cases(), context: Self.context(suite))
    let failed = result.cases.filter { $0.status != .pass }
    #expect(result.cases.count == 12)
    #expect(failed.map(\.id) == ["compare/ulp/2.weight"])
    #expect(failed.first?.failure?.message.contains("max ULP 5 (float32)") == true)
    #expect(result.cases.first?.id == "compare/renamed/fc1.weight")
  }

  @Test func anUnreadableCompareFileIsOneErrorCase() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let toml = dir.appendingPathComponent("repro.toml")
    try Data("[[compare]]\nname = \"gone\"\nreference = \"a.pt\"\ncandidate = \"b.pt\"\n".utf8)
      .write(
        to: toml)
    let cases = try Suite.load(from: toml).cases()
    #expect(cases.map(\.id) == ["compare/gone"])
    let result = cases[0].run(in: Self.context(try Suite.load(from: toml)))
    #expect(result.status == .error)
    #expect(result.failure?.message.hasPrefix("a.pt: ") == true)
  }
}
