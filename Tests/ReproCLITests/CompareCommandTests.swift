import Foundation
import ReproTestSupport
import Testing

/// `repro compare` end to end on files saved by PyTorch, against torch.testing.assert_close's
/// verdicts and float64 figures in Golden/pytorch/compare (Scripts/make_compare_goldens.py).
@Suite struct CompareCommandTests {
  /// One key of a golden: torch's verdict and the figures on float64-upcast values.
  struct GoldenKey: Decodable {
    var torchPassed: Bool
    var referenceDtype: String
    var candidateDtype: String
    var maxAbs: Double
    var maxRel: Double
    var mismatchesFloat64: Int
    var elements: Int
    var worstFlatIndex: Int
    var worstReference: Double
    var worstCandidate: Double
    var ulpDtype: String
    var maxUlp: UInt64
  }

  /// A golden case.
  struct GoldenCase: Decodable {
    var passed: Bool
    var keys: [String: GoldenKey]
  }

  /// A row of `repro compare --json`.
  struct Row: Decodable {
    var key: String
    var passed: Bool
    var referenceDtype: String?
    var candidateDtype: String?
    var maxAbsoluteError: Double?
    var maxRelativeError: Double?
    var mismatchCount: Int?
    var elementCount: Int?
    var worstFlatIndex: Int?
    var worstReference: String?
    var worstCandidate: String?
    var problem: String?
    var referenceKind: String
    var candidateKind: String
    var maxULP: UInt64?
    var ulpDtype: String?
    var message: String?
    var differences: [String]
  }

  /// A key several keys of one file map to.
  struct DuplicateKey: Decodable {
    var key: String
    var file: String
    var originalKeys: [String]
  }

  /// The document `repro compare --json` prints.
  struct Output: Decodable {
    struct Result: Decodable {
      var missingKeys: [String]
      var unexpectedKeys: [String]
      var duplicateKeys: [DuplicateKey]
      var rows: [Row]
    }
    var passed: Bool
    var result: Result
  }

  static func compareFile(_ name: String) -> String {
    Repository.golden("pytorch/compare/\(name)").path
  }

  static func interop(_ name: String) -> String {
    Repository.golden("pytorch/interop/\(name)").path
  }

  static func golden(_ name: String) throws -> GoldenCase {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let url = Repository.golden("pytorch/compare/\(name).json")
    return try decoder.decode(GoldenCase.self, from: Data(contentsOf: url))
  }

  static func compareJSON(_ arguments: [String]) throws -> (status: Int32, output: Output) {
    let r = try ReproBinary.run(["compare"] + arguments + ["--json"])
    let output = try JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8))
    return (r.status, output)
  }

  /// Every row equals the golden: verdict, dtypes, max errors, mismatch count, worst element.
  static func expectRows(_ rows: [Row], match golden: GoldenCase) {
    #expect(Set(rows.map(\.key)) == Set(golden.keys.keys))
    for row in rows {
      guard let g = golden.keys[row.key] else { continue }
      #expect(row.passed == g.torchPassed, "\(row.key)")
      #expect(row.referenceDtype == g.referenceDtype)
      #expect(row.candidateDtype == g.candidateDtype)
      #expect(row.maxAbsoluteError == g.maxAbs, "\(row.key)")
      #expect(row.maxRelativeError == g.maxRel, "\(row.key)")
      #expect(row.mismatchCount == g.mismatchesFloat64, "\(row.key)")
      #expect(row.elementCount == g.elements)
      #expect(row.worstFlatIndex == g.worstFlatIndex, "\(row.key)")
      #expect(row.worstReference.flatMap(Double.init) == g.worstReference, "\(row.key)")
      #expect(row.worstCandidate.flatMap(Double.init) == g.worstCandidate, "\(row.key)")
      #expect(row.maxULP == g.maxUlp, "\(row.key)")
      #expect(row.ulpDtype == g.ulpDtype, "\(row.key)")
    }
  }

  @Test(arguments: [("fp32_vs_fp16", "seq_mlp_fp16.pt"), ("fp32_vs_bf16", "seq_mlp_bf16.pt")])
  func lowerPrecisionCopyPassesUnderItsDefaultTolerance(_ name: String, _ candidate: String) throws
  {
    let golden = try Self.golden(name)
    #expect(golden.passed)
    let (status, output) = try Self.compareJSON([
      Self.interop("seq_mlp_fp32.pt"), Self.interop(candidate),
    ])
    #expect(status == 0)
    #expect(output.passed)
    Self.expectRows(output.result.rows, match: golden)
    let text = try ReproBinary.run([
      "compare", Self.interop("seq_mlp_fp32.pt"), Self.interop(candidate),
    ])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.hasPrefix("PASS: 4 keys within tolerance (4 tensors); reference "))
  }

  @Test func strictDtypeFailsALowerPrecisionCopy() throws {
    let r = try ReproBinary.run([
      "compare", Self.interop("seq_mlp_fp32.pt"), Self.interop("seq_mlp_fp16.pt"), "--strict-dtype",
    ])
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("FAIL: 4 of 4 keys differ, 0 missing, 0 unexpected"))
    #expect(
      r.stdout.contains(
        "0.weight: float32 -> float16 dtype differs: reference torch.float32, candidate torch.float16"
      ))
  }

  @Test func explicitFloat32ToleranceFailsTheFloat16Copy() throws {
    // fp16 rounding errors (max abs 8.6e-4 in the golden) exceed float32's 1.3e-6 / 1e-5.
    let golden = try Self.golden("fp32_vs_fp16")
    #expect(golden.keys.values.contains { $0.maxAbs > 1e-5 + 1.3e-6 * 2 })
    let r = try ReproBinary.run([
      "compare", Self.interop("seq_mlp_fp32.pt"), Self.interop("seq_mlp_fp16.pt"), "--rtol",
      "1.3e-6", "--atol", "1e-5",
    ])
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("FAIL: "))
  }

  @Test func fileAgainstItselfPassesAndIsBitwiseEqual() throws {
    let golden = try Self.golden("fp32_vs_fp32")
    let file = Self.interop("seq_mlp_fp32.pt")
    let (status, output) = try Self.compareJSON([file, file])
    #expect(status == 0)
    Self.expectRows(output.result.rows, match: golden)
    let bitwise = try ReproBinary.run(["compare", file, file, "--bitwise"])
    #expect(bitwise.status == 0, "\(bitwise.stderr)")
  }

  @Test func dataParallelPrefixIsStrippedWithStripPrefix() throws {
    let reference = Self.interop("dataparallel_prefix.pt")
    let candidate = Self.interop("seq_mlp_fp32.pt")
    let plain = try ReproBinary.run(["compare", reference, candidate])
    #expect(plain.status == 1)
    #expect(plain.stdout.hasPrefix("FAIL: 0 of 0 keys differ, 4 missing, 4 unexpected"))
    #expect(plain.stdout.contains("module.0.weight: missing in the candidate"))
    #expect(plain.stdout.contains("0.weight: unexpected (not in the reference)"))
    let (status, output) = try Self.compareJSON([reference, candidate, "--strip-prefix", "module."])
    #expect(status == 0)
    #expect(output.result.missingKeys.isEmpty)
    #expect(output.result.unexpectedKeys.isEmpty)
    Self.expectRows(output.result.rows, match: try Self.golden("dataparallel_vs_fp32"))
  }

  @Test func modifiedCopyFailsNamingTheKeyAndTheWorstIndex() throws {
    let golden = try Self.golden("fp32_vs_perturbed")
    #expect(!golden.passed)
    let reference = Self.interop("seq_mlp_fp32.pt")
    let candidate = Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt").path
    let (status, output) = try Self.compareJSON([reference, candidate])
    #expect(status == 1)
    #expect(!output.passed)
    Self.expectRows(output.result.rows, match: golden)
    let r = try ReproBinary.run(["compare", reference, candidate])
    #expect(r.status == 1)
    let g = try #require(golden.keys["0.weight"])
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("FAIL: 1 of 4 keys differ, 0 missing, 0 unexpected") == true)
    #expect(
      lines.dropFirst().first
        == "0.weight: float32 -> float32, mismatched 1 / 4, max abs \(g.maxAbs), max rel \(g.maxRel), max ULP \(g.maxUlp) (float32), worst index \(g.worstFlatIndex): reference \(g.worstReference), candidate \(g.worstCandidate)"
    )
    #expect(lines.count == 2)
    // Only 0.weight differs: leaving it out passes, keeping only it fails.
    #expect(
      try ReproBinary.run(["compare", reference, candidate, "--ignore", "0.weight"]).status == 0)
    #expect(try ReproBinary.run(["compare", reference, candidate, "--only", "0.*"]).status == 1)
    #expect(try ReproBinary.run(["compare", reference, candidate, "--only", "2.*"]).status == 0)
  }

  @Test func deviceTagsDifferUntilMapLocation() throws {
    // torch.load(map_location="cpu") of seq_mlp_cuda_tagged.pt equals seq_mlp_fp32.pt (the
    // corpus's inventories: same sha256 per tensor, devices cuda:0 in the file).
    let reference = Self.interop("seq_mlp_fp32.pt")
    let candidate = Self.interop("seq_mlp_cuda_tagged.pt")
    let tagged = try ReproBinary.run(["compare", reference, candidate])
    #expect(tagged.status == 1)
    #expect(
      tagged.stdout.contains(
        "0.weight: float32 -> float32 device differs: reference cpu, candidate cuda:0"))
    let mapped = try ReproBinary.run(["compare", reference, candidate, "--map-location", "cpu"])
    #expect(mapped.status == 0, "\(mapped.stdout)\(mapped.stderr)")
  }

  @Test func wholeModuleFileNeedsTrust() throws {
    // whole_mlp_module.expected.json: weights_only_ok false (torch.load refuses it by default).
    let file = Self.interop("whole_mlp_module.pt")
    let refused = try ReproBinary.run(["compare", file, file])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("torch.nn.modules.container.Sequential"))
    let trusted = try ReproBinary.run(["compare", file, file, "--trust", "--verbose"])
    #expect(trusted.status == 0, "\(trusted.stderr)")
    #expect(trusted.stdout.contains("0.weight: ok float32 -> float32, mismatched 0 / "))
  }

  @Test func junitHasOneTestcasePerKey() throws {
    let golden = try Self.golden("fp32_vs_perturbed")
    let folder = try Repository.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let junit = folder.appendingPathComponent("compare.xml")
    let r = try ReproBinary.run([
      "compare", Self.interop("seq_mlp_fp32.pt"),
      Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt").path, "--junit", junit.path,
    ])
    #expect(r.status == 1)
    let text = try String(contentsOf: junit, encoding: .utf8)
    let names = golden.keys.keys.sorted()
    #expect(text.components(separatedBy: "<testcase ").count - 1 == names.count)
    for name in names { #expect(text.contains("name=\"\(name)\"")) }
    let failing = golden.keys.filter { !$0.value.torchPassed }.map(\.key)
    #expect(failing == ["0.weight"])
    #expect(text.components(separatedBy: "<failure ").count - 1 == failing.count)
    #expect(text.contains("failures=\"1\""))
  }

  @Test func missingFileExitsTwo() throws {
    let missing = Repository.golden("pytorch/compare/no_such_file.pt").path
    let r = try ReproBinary.run(["compare", Self.interop("seq_mlp_fp32.pt"), missing])
    #expect(r.status == 2)
    #expect(r.stdout == "")
    #expect(r.stderr.contains("no_such_file.pt"))
  }

  @Test func rtolWithoutAtolIsAUsageError() throws {
    let file = Self.interop("seq_mlp_fp32.pt")
    let r = try ReproBinary.run(["compare", file, file, "--rtol", "0.1"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--rtol and --atol must be given together"))
  }
}
