import Foundation
import ReproTestSupport
import Testing

/// `repro run --suite` and `repro suite init` end to end, on the example suite made by real
/// PyTorch (`Scripts/make_suite_fixtures.py`).
@Suite struct SuiteCommandTests {
  static let example = Repository.golden("suites/example")

  /// A copy of the example suite in a fresh folder.
  static func copyOfExample() throws -> URL {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    let copy = dir.appendingPathComponent("example")
    try FileManager.default.copyItem(at: example, to: copy)
    return copy
  }

  /// The `testcase` elements of a JUnit file.
  static func testcaseCount(_ junit: URL) throws -> Int {
    let text = try String(contentsOf: junit, encoding: .utf8)
    return text.components(separatedBy: "<testcase ").count - 1
  }

  @Test func theExampleSuitePasses() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let junit = dir.appendingPathComponent("junit.xml")
    let json = dir.appendingPathComponent("results.json")
    let r = try ReproBinary.run(
      [
        "run", "--suite", Self.example.appendingPathComponent("repro.toml").path, "--junit",
        junit.path, "--json", json.path,
      ], environment: ["CI": "true"], currentDirectory: dir)
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    let results = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any]
    let cases = try #require(results?["cases"] as? [[String: Any]])
    #expect(cases.count > 12)
    #expect(try Self.testcaseCount(junit) == cases.count)
    let kinds = Set(cases.compactMap { ($0["axes"] as? [String: String])?["kind"] })
    #expect(kinds == ["compare", "roundtrip", "golden", "generate"])
  }

  @Test func oneChangedValueFailsNamingTheFileAndTheKey() throws {
    let copy = try Self.copyOfExample()
    defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
    let model = copy.appendingPathComponent("model.pt")
    try FileManager.default.removeItem(at: model)
    try FileManager.default.copyItem(at: Repository.golden("suites/perturbed/model.pt"), to: model)
    let r = try ReproBinary.run(
      ["run", "--suite", copy.appendingPathComponent("repro.toml").path],
      environment: ["CI": "true"], currentDirectory: copy)
    #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
    let failures = r.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
    #expect(failures.contains { $0.contains("compare/fp16 export stays close/0.weight") })
    #expect(failures.contains { $0.contains("model.pt") && $0.contains("0.weight") })
    #expect(!failures.contains { $0.contains("0.bias") }, "\(failures)")
  }

  @Test func anUnknownKeyExitsTwoNamingFileLineAndKey() throws {
    let copy = try Self.copyOfExample()
    defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
    let toml = copy.appendingPathComponent("repro.toml")
    let text = try String(contentsOf: toml, encoding: .utf8)
    try text.replacingOccurrences(
      of: "strip_prefix = \"module.\"", with: "strip_prefixes = \"module.\""
    )
    .write(to: toml, atomically: true, encoding: .utf8)
    let r = try ReproBinary.run(["run", "--suite", "repro.toml"], currentDirectory: copy)
    #expect(r.status == 2)
    #expect(r.stdout == "")
    #expect(
      r.stderr.hasPrefix(
        "repro run: invalidSuite: repro.toml:14: unknown key 'strip_prefixes' in [[compare]] #2; known keys: "
      ), "\(r.stderr)")
  }

  @Test func aTypeErrorExitsTwoNamingFileLineAndKey() throws {
    let copy = try Self.copyOfExample()
    defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
    let toml = copy.appendingPathComponent("repro.toml")
    let text = try String(contentsOf: toml, encoding: .utf8)
    try text.replacingOccurrences(of: "seeds = [0, 1]", with: "seeds = \"0, 1\"")
      .write(to: toml, atomically: true, encoding: .utf8)
    let r = try ReproBinary.run(["run", "--suite", "repro.toml"], currentDirectory: copy)
    #expect(r.status == 2)
    #expect(
      r.stderr
        == "repro run: invalidSuite: repro.toml:44: key 'seeds' in [[generate]] #1 must be a list of integers, not a string (\"0, 1\")\n"
    )
  }

  @Test func filterShardAndCIVariablesSelectSuiteCases() throws {
    let toml = Self.example.appendingPathComponent("repro.toml").path
    let r = try ReproBinary.run(
      ["run", "--suite", toml, "--filter", "kind=generate", "--record", "never"],
      environment: ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "2"])
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.hasPrefix("repro run: 2 cases: 2 passed, 0 failed, 0 errors, 0 skipped in "))
    let bad = try ReproBinary.run(["run", "--suite", toml, "--filter", "backend=blas1"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("unknown axis 'backend' in filter; axes: device, dtype, file, "))
    let ci = try ReproBinary.run(
      ["run", "--suite", toml, "--filter", "kind=generate"],
      environment: ["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "2"])
    #expect(ci.status == 64)
    #expect(ci.stderr.contains("CI_NODE_INDEX=3 and CI_NODE_TOTAL=2 do not name a shard"))
  }

  @Test func suiteInitWritesAStarterThatRecordsThenPasses() throws {
    let copy = try Self.copyOfExample()
    defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
    try FileManager.default.removeItem(at: copy.appendingPathComponent("golden"))
    try FileManager.default.removeItem(at: copy.appendingPathComponent("repro.toml"))
    let r = try ReproBinary.run(
      ["suite", "init", "model.pt", "checkpoint.pt"], currentDirectory: copy)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout
        == "wrote repro.toml: 2 checkpoints; run it with `repro run --suite repro.toml`\n")
    let text = try String(
      contentsOf: copy.appendingPathComponent("repro.toml"), encoding: .utf8)
    #expect(text == Self.starter)
    let first = try ReproBinary.run(
      ["run", "--suite", "repro.toml", "--record", "missing"], currentDirectory: copy)
    #expect(first.status == 1, "recording fails the run: \(first.stdout)")
    let second = try ReproBinary.run(
      ["run", "--suite", "repro.toml"], environment: ["CI": "true"], currentDirectory: copy)
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    let again = try ReproBinary.run(["suite", "init", "model.pt"], currentDirectory: copy)
    #expect(again.status == 64)
    #expect(again.stderr.hasPrefix("Error: repro.toml exists; --force overwrites it\n"))
    let forced = try ReproBinary.run(
      ["suite", "init", "model.pt", "--force"], currentDirectory: copy)
    #expect(forced.status == 0)
    let unreadable = try ReproBinary.run(
      ["suite", "init", "missing.pt", "-o", "other.toml"], currentDirectory: copy)
    #expect(unreadable.status == 2)
    #expect(
      unreadable.stderr.hasPrefix(
        "repro suite init: io: missing.pt: cannot read it as a checkpoint"))
  }

  /// What `repro suite init model.pt checkpoint.pt` writes for the example's files.
  static let starter = """
    # A Repro suite: run it with `repro run --suite repro.toml`.
    # Paths are relative to this file. The first run records the goldens (REPRO_RECORD=missing)
    # and still fails, so nothing passes silently: run again, then commit the golden folder.
    # Under CI=true nothing is recorded and a missing golden fails. Every key is listed in the
    # README's "Suite files" section.

    golden_dir = "golden"                 # this suite's golden folder

    # model.pt: torch, 4 tensors (float32), state dict
    # It must keep matching its recorded inventory (every tensor's dtype, shape, sha256).
    [[golden]]
    name = "model.pt unchanged"
    file = "model.pt"

    # Saved and reloaded by Repro: same-dtype trips bitwise, casts within tolerance.
    [[roundtrip]]
    name = "model.pt round trips"
    checkpoint = "model.pt"
    formats = ["torch", "safetensors"]
    dtypes = ["float32", "float16", "bfloat16"]

    # checkpoint.pt: torch, 16 tensors (float32), nested checkpoint
    # It must keep matching its recorded inventory (every tensor's dtype, shape, sha256).
    [[golden]]
    name = "checkpoint.pt unchanged"
    file = "checkpoint.pt"

    # Saved and reloaded by Repro: same-dtype trips bitwise, casts within tolerance.
    [[roundtrip]]
    name = "checkpoint.pt round trips"
    checkpoint = "checkpoint.pt"
    formats = ["torch", "safetensors"]
    dtypes = ["float32", "float16", "bfloat16"]

    # Reference vs candidate, key by key, as `repro compare`:
    # [[compare]]
    # name = "fp16 export stays close"
    # reference = "model.pt"
    # candidate = "model.fp16.safetensors"
    # strip_prefix = "module."
    # Also: add_prefix, rename, rtol, atol, max_ulp, bitwise, equal_nan, strict_dtype, only,
    # ignore, mmap, map_location, trust.

    # Your architecture from a seed, as PyTorch builds it (the golden: each tensor's sha256):
    # [[generate]]
    # model = "Sequential(Linear(4, 8), ReLU(), Linear(8, 2))"
    # seeds = [0, 1]
    # dtypes = ["float32", "bfloat16"]

    """
}
