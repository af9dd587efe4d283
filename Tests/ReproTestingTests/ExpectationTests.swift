import Foundation
import ReproFormat
import ReproHarness
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproTesting

/// The three expectations under Swift Testing, on files saved by real PyTorch; each failure is
/// expected with `withKnownIssue` and its text checked against PyTorch's figures
/// (`Golden/pytorch/compare/fp32_vs_perturbed.json`, `Golden/pytorch/roundtrip/verdicts.json`).
@Suite struct ExpectationTests {
  static let fp32 = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
  static let fp16 = Repository.golden("pytorch/interop/seq_mlp_fp16.pt")
  static let bf16 = Repository.golden("pytorch/interop/seq_mlp_bf16.pt")
  static let perturbed = Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt")
  static let overflow = Repository.golden("pytorch/roundtrip/overflow_state_dict.pt")

  /// The text of every comment of an issue.
  static func text(_ issue: Issue) -> String {
    issue.comments.map(\.rawValue).joined(separator: "\n")
  }

  @Test func halfPrecisionCopiesMatchWithinAssertClose() throws {
    // torch: assert_close(fp16[k], fp32[k], check_dtype=False) passes for every key.
    #expect(try expectCheckpoint(Self.fp16, matches: Self.fp32).passed)
    #expect(try expectCheckpoint(Self.bf16, matches: Self.fp32).passed)
    #expect(try expectCheckpoint(Self.fp32, matches: Self.fp32, tolerance: .bitwise).passed)
  }

  @Test func perturbedCopyRecordsAnIssueWithTheComparison() throws {
    // JSONDecoder reads torch's floats exactly (JSONSerialization may round them on Linux).
    struct Row: Decodable {
      var maxAbs: Double
      var maxRel: Double
      var worstFlatIndex: Int
      var maxULP: Int
      var worstReference: Double
      var worstCandidate: Double
      enum CodingKeys: String, CodingKey {
        case maxAbs = "max_abs"
        case maxRel = "max_rel"
        case worstFlatIndex = "worst_flat_index"
        case maxULP = "max_ulp"
        case worstReference = "worst_reference"
        case worstCandidate = "worst_candidate"
      }
    }
    struct Figures: Decodable { var keys: [String: Row] }
    let figures = try TestJSON.decode(
      Figures.self, golden: "pytorch/compare/fp32_vs_perturbed.json")
    let row = try #require(figures.keys["0.weight"])
    // The row's figures (a max ULP column may sit between them).
    let figuresText =
      "0.weight: float32 -> float32, mismatched 1 / 4, max abs \(Scalar.pythonRepr(row.maxAbs)), max rel \(Scalar.pythonRepr(row.maxRel))"
    let worstText =
      "worst index \(row.worstFlatIndex): reference \(Scalar.pythonRepr(row.worstReference)), candidate \(Scalar.pythonRepr(row.worstCandidate))"
    var result: FileComparison?
    try withKnownIssue {
      result = try expectCheckpoint(Self.perturbed, matches: Self.fp32)
    } matching: { issue in
      let text = Self.text(issue)
      return text.hasPrefix(
        "seq_mlp_fp32_perturbed.pt does not match seq_mlp_fp32.pt (assert_close):\nFAIL: 1 of 4 keys differ"
      )
        && text.contains(figuresText) && text.contains(worstText)
        && issue.sourceLocation?.fileName == "ExpectationTests.swift"
    }
    #expect(result?.failedRows.map(\.key) == ["0.weight"])
  }

  @Test func anExplicitToleranceCanAcceptThePerturbation() throws {
    #expect(
      try expectCheckpoint(
        Self.perturbed, matches: Self.fp32, tolerance: .init(relative: 0, absolute: 0.5)
      ).passed)
  }

  @Test func unreadableFilesThrowInsteadOfRecording() throws {
    #expect(throws: FormatError.self) {
      try expectCheckpoint(Repository.golden("malformed/zip_bad_crc_data.pt"), matches: Self.fp32)
    }
  }

  @Test func roundTripsPassThroughTorchAndSafetensors() throws {
    let results = try expectRoundTrip(of: Self.fp32, dtypes: [.float32, .bfloat16])
    #expect(results.count == 4 && results.allSatisfy { $0.status == .pass })
  }

  @Test func aFloat16OverflowRecordsTheCaseAndPyTorchsMessage() throws {
    struct Verdict: Decodable { var message: String? }
    struct File: Decodable { var files: [String: [String: [String: Verdict]]] }
    let verdicts = try TestJSON.decode(File.self, golden: "pytorch/roundtrip/verdicts.json")
    let message = try #require(
      verdicts.files["roundtrip/overflow_state_dict.pt"]?["float16"]?["0.bias"]?.message)
    try withKnownIssue {
      try expectRoundTrip(of: Self.overflow, through: [.safetensors], dtypes: [.float16])
    } matching: { issue in
      let text = Self.text(issue)
      return text.hasPrefix(
        "roundtrip/overflow_state_dict.pt/safetensors/float16/cpu/plain: ['0.bias']")
        && text.contains(message)
    }
  }

  @Test func roundTripsThatAllSkipRecordAnIssue() throws {
    try withKnownIssue {
      try expectRoundTrip(
        of: Repository.golden("pytorch/interop/grad_scaler.pt"), through: [.safetensors])
    } matching: { issue in
      Self.text(issue).hasPrefix(
        "every round trip of grad_scaler.pt was skipped, nothing was checked")
    }
  }

  @Test func goldenIsRecordedThenMatchedThenNamesTheChangedKey() throws {
    let folder = try Repository.makeTemporaryFolder(prefix: "repro-expect-golden")
    defer { try? FileManager.default.removeItem(at: folder) }
    try withKnownIssue {
      try expectGolden(Self.fp32, named: "model", record: .missing, goldenDirectory: folder)
    } matching: { issue in
      Self.text(issue).hasPrefix("seq_mlp_fp32.pt: recorded ")
    }
    #expect(
      FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.json").path))
    #expect(
      try expectGolden(Self.fp32, named: "model", record: .never, goldenDirectory: folder).isSuccess
    )
    try withKnownIssue {
      try expectGolden(Self.perturbed, named: "model", record: .never, goldenDirectory: folder)
    } matching: { issue in
      let text = Self.text(issue)
      return text.contains("seq_mlp_fp32_perturbed.pt no longer matches its golden")
        && text.contains("\n  '0.weight' changed: sha256 ")
        && !text.contains("'0.bias'")
    }
  }

  /// The committed golden next to this file (`__Goldens__/ExpectationTests/seq_mlp_fp32.json`),
  /// found through the default folder; under `CI=true` it must exist.
  @Test func defaultGoldenFolderLiesNextToTheTestFile() throws {
    let folder = defaultGoldenDirectory(testFile: "\(#filePath)")
    #expect(folder.path.hasSuffix("Tests/ReproTestingTests/__Goldens__/ExpectationTests"))
    let verdict = try expectGolden(Self.fp32, named: "seq_mlp_fp32")
    #expect(verdict.golden.path == folder.appendingPathComponent("seq_mlp_fp32.json").path)
  }
}
