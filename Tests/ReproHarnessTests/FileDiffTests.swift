import Foundation
import ReproHarness
import ReproTensor
import ReproTestSupport
import Testing

/// `repro diff`'s tensor lines against PyTorch's figures (Golden/pytorch/diff, made by
/// Scripts/make_diff_goldens.py).
@Suite struct FileDiffTests {
  struct GoldenKey: Decodable {
    var referenceDtype: String
    var candidateDtype: String
    var valuesDiffer: Int
    var mismatchesFloat64: Int
    var elements: Int
    var rtol: Double
    var atol: Double
    var maxAbs: Double
    var maxRel: Double
    var ulpDtype: String
    var maxUlp: UInt64
    var worstFlatIndex: Int
    var worstReference: Double
    var worstCandidate: Double
  }

  struct GoldenCase: Decodable {
    var keys: [String: GoldenKey]
  }

  static func golden(_ name: String) throws -> GoldenCase {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(
      GoldenCase.self,
      from: Data(contentsOf: Repository.golden("pytorch/diff/\(name).json")))
  }

  /// The line torch's figures give for a key.
  static func expectedLine(_ key: String, _ g: GoldenKey) -> String {
    "\(key): \(g.referenceDtype) → \(g.candidateDtype), \(g.valuesDiffer) of \(g.elements) values differ, mismatched \(g.mismatchesFloat64) / \(g.elements) (rtol \(PythonRepr.float(g.rtol)), atol \(PythonRepr.float(g.atol))), max abs \(PythonRepr.float(g.maxAbs)), max rel \(PythonRepr.float(g.maxRel)), max ULP \(g.maxUlp) (\(g.ulpDtype)), worst index \(g.worstFlatIndex): reference \(PythonRepr.float(g.worstReference)), candidate \(PythonRepr.float(g.worstCandidate))"
  }

  @Test(arguments: [
    ("fp32_vs_fp16", "pytorch/interop/seq_mlp_fp16.pt"),
    ("fp32_vs_bf16", "pytorch/interop/seq_mlp_bf16.pt"),
    ("fp32_vs_perturbed", "pytorch/compare/seq_mlp_fp32_perturbed.pt"),
  ])
  func tensorLinesGiveTorchsFigures(_ name: String, _ candidate: String) throws {
    let golden = try Self.golden(name)
    let diff = try FileDiff(
      contentsOf: Repository.golden("pytorch/interop/seq_mlp_fp32.pt"),
      Repository.golden(candidate))
    #expect(!diff.isIdentical)
    let tensorLines = diff.lines.filter { $0.contains(" values differ") }
    // One line per key whose values differ, nothing for the others.
    let differing = golden.keys.filter { $0.value.valuesDiffer > 0 }
    #expect(tensorLines.count == differing.count, "\(diff.lines)")
    for (key, g) in differing {
      #expect(diff.lines.contains(Self.expectedLine(key, g)), "\(key): \(diff.lines)")
    }
  }

  @Test func identicalFilesGiveNoLines() throws {
    let url = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
    let diff = try FileDiff(contentsOf: url, url)
    #expect(diff.isIdentical)
    #expect(diff.lines.isEmpty)
  }
}
