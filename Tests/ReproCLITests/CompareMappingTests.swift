import Foundation
import ReproTestSupport
import Testing

/// `repro compare --max-ulp`, `--add-prefix`, `--rename` on files saved by PyTorch, against
/// Golden/pytorch/compare (Scripts/make_compare_goldens.py: ULP distances from torch's integer
/// views after `Tensor.to` the less precise dtype).
@Suite struct CompareMappingTests {
  typealias C = CompareCommandTests

  /// ulp_shifted.json: per key the max ULP and how many elements lie beyond each limit.
  struct ULPGolden: Decodable {
    struct Key: Decodable {
      var ulpDtype: String
      var maxUlp: UInt64
      var beyond: [String: Int]
      var torchPassed: Bool
    }
    var limits: [Int]
    var keys: [String: Key]
  }

  /// renamed.json: the renamed key of each reference key.
  struct RenameGolden: Decodable {
    struct Key: Decodable {
      var referenceKey: String
      var torchPassed: Bool
    }
    var keys: [String: Key]
  }

  /// layout.json: shapes, strides and assert_close's verdicts with and without check_stride.
  struct LayoutGolden: Decodable {
    struct Key: Decodable {
      var referenceStride: [Int]
      var candidateStride: [Int]
      var torchPassed: Bool
      var torchMessage: String?
      var torchCheckStridePassed: Bool
      var torchCheckStrideMessage: String?
    }
    var keys: [String: Key]
  }

  static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let url = Repository.golden("pytorch/compare/\(name).json")
    return try decoder.decode(T.self, from: Data(contentsOf: url))
  }

  @Test(arguments: [0, 1, 3, 4, 5])
  func maxULPCountsTheElementsBeyondTheLimit(_ limit: Int) throws {
    let golden = try Self.decode(ULPGolden.self, "ulp_shifted")
    #expect(golden.limits.contains(limit))
    let (status, output) = try C.compareJSON([
      C.interop("seq_mlp_fp32.pt"), C.compareFile("seq_mlp_ulp_shifted.pt"), "--max-ulp",
      String(limit),
    ])
    let failing = golden.keys.filter { ($0.value.beyond[String(limit)] ?? -1) > 0 }
    #expect(status == (failing.isEmpty ? 0 : 1))
    #expect(Set(output.result.rows.map(\.key)) == Set(golden.keys.keys))
    for row in output.result.rows {
      let g = try #require(golden.keys[row.key])
      #expect(row.maxULP == g.maxUlp, "\(row.key)")
      #expect(row.ulpDtype == g.ulpDtype)
      #expect(row.mismatchCount == g.beyond[String(limit)], "\(row.key)")
      #expect(row.passed == (g.beyond[String(limit)] == 0), "\(row.key)")
    }
  }

  @Test func ulpShiftsWithinFloat32ToleranceStillShowTheirULPs() throws {
    let golden = try Self.decode(ULPGolden.self, "ulp_shifted")
    #expect(golden.keys.values.allSatisfy { $0.torchPassed })
    let (status, output) = try C.compareJSON([
      C.interop("seq_mlp_fp32.pt"), C.compareFile("seq_mlp_ulp_shifted.pt"),
    ])
    #expect(status == 0)
    for row in output.result.rows {
      #expect(row.maxULP == golden.keys[row.key]?.maxUlp, "\(row.key)")
    }
  }

  @Test(arguments: [("fp32_vs_fp16", "seq_mlp_fp16.pt"), ("fp32_vs_bf16", "seq_mlp_bf16.pt")])
  func roundedCopyIsZeroULPsAwayInItsOwnDtype(_ name: String, _ candidate: String) throws {
    // torch: reference.to(float16/bfloat16) equals the copy, so every ULP distance is 0.
    let golden = try C.golden(name)
    #expect(golden.keys.values.allSatisfy { $0.maxUlp == 0 && $0.ulpDtype != "float32" })
    let (status, output) = try C.compareJSON([
      C.interop("seq_mlp_fp32.pt"), C.interop(candidate), "--max-ulp", "0",
    ])
    #expect(status == 0)
    for row in output.result.rows {
      #expect(row.ulpDtype == golden.keys[row.key]?.ulpDtype)
      #expect(row.maxULP == 0)
    }
  }

  @Test func perturbedValuePassesExactlyAtItsULPDistance() throws {
    let g = try #require(try C.golden("fp32_vs_perturbed").keys["0.weight"])
    let reference = C.interop("seq_mlp_fp32.pt")
    let candidate = C.compareFile("seq_mlp_fp32_perturbed.pt")
    let at = try ReproBinary.run(["compare", reference, candidate, "--max-ulp", String(g.maxUlp)])
    #expect(at.status == 0, "\(at.stdout)")
    let below = try ReproBinary.run([
      "compare", reference, candidate, "--max-ulp", String(g.maxUlp - 1),
    ])
    #expect(below.status == 1)
    // With --max-ulp the errors are taken in the ULP dtype's arithmetic (here float32's).
    #expect(
      below.stdout.contains("0.weight: float32 -> float32, mismatched 1 / 4, max abs \(g.maxAbs), ")
    )
    #expect(
      below.stdout.contains(
        ", max ULP \(g.maxUlp) (float32), worst index \(g.worstFlatIndex): reference \(g.worstReference), candidate \(g.worstCandidate)"
      ))
  }

  @Test(arguments: [
    ["--max-ulp", "2", "--rtol", "0.1", "--atol", "0.1"], ["--max-ulp", "2", "--bitwise"],
    ["--max-ulp", "-1"], ["--rename", "fc1"], ["--rename", "=fc1"], ["--rename", "0="],
  ])
  func conflictingOrMalformedOptionsAreUsageErrors(_ options: [String]) throws {
    let file = C.interop("seq_mlp_fp32.pt")
    let r = try ReproBinary.run(["compare", file, file] + options)
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }

  @Test func renameMapsKeysAtADotBoundary() throws {
    let golden = try Self.decode(RenameGolden.self, "renamed")
    let reference = C.interop("seq_mlp_fp32.pt")
    let candidate = C.compareFile("seq_mlp_renamed.pt")
    let plain = try ReproBinary.run(["compare", reference, candidate])
    #expect(plain.status == 1)
    #expect(plain.stdout.hasPrefix("FAIL: 0 of 0 keys differ, 4 missing, 4 unexpected"))
    for rename in [["0=fc1", "2=fc2"], ["0.=fc1.", "2.=fc2."]] {
      let (status, output) = try C.compareJSON(
        [reference, candidate] + rename.flatMap { ["--rename", $0] })
      #expect(status == 0)
      #expect(Set(output.result.rows.map(\.key)) == Set(golden.keys.keys))
      #expect(output.result.rows.allSatisfy { $0.passed })
    }
    // "0.w" is not followed by a dot or slash in "0.weight": no rename, so no match.
    let partial = try C.compareJSON([
      reference, candidate, "--rename", "0.w=fc1.w", "--rename", "2=fc2",
    ])
    #expect(partial.status == 1)
    #expect(Set(partial.output.result.missingKeys) == ["0.weight", "0.bias"])
  }

  @Test func addPrefixMatchesAPlainCopyToADataParallelFile() throws {
    let golden = try C.golden("dataparallel_vs_fp32")
    let (status, output) = try C.compareJSON([
      C.interop("dataparallel_prefix.pt"), C.interop("seq_mlp_fp32.pt"), "--add-prefix", "module.",
    ])
    #expect(status == 0)
    #expect(Set(output.result.rows.map(\.key)) == Set(golden.keys.keys.map { "module." + $0 }))
    let rows = output.result.rows.map { row in
      var r = row
      r.key = String(row.key.dropFirst("module.".count))
      return r
    }
    C.expectRows(rows, match: golden)
  }

  @Test func addPrefixReachesIntoATrainingCheckpoint() throws {
    // values_reference.pt holds seq_mlp_fp32.pt's state dict under "model".
    let (status, output) = try C.compareJSON([
      C.compareFile("values_reference.pt"), C.interop("seq_mlp_fp32.pt"), "--trust",
      "--add-prefix", "model/", "--only", "model/*",
    ])
    #expect(status == 0)
    #expect(
      output.result.rows.map(\.key) == [
        "model/0.weight", "model/0.bias", "model/2.weight", "model/2.bias",
      ])
  }

  @Test func keysMappedOntoOneAnotherFailAsDuplicates() throws {
    let file = C.interop("seq_mlp_fp32.pt")
    let r = try ReproBinary.run([
      "compare", file, file, "--rename", "0.weight=w", "--rename", "0.bias=w",
    ])
    #expect(r.status == 1)
    #expect(r.stdout.hasPrefix("FAIL: 0 of 3 keys differ, 0 missing, 0 unexpected, 2 duplicate"))
    #expect(r.stdout.contains("w: 2 keys of the reference map to it: 0.weight, 0.bias"))
    #expect(r.stdout.contains("w: 2 keys of the candidate map to it: 0.weight, 0.bias"))
  }

  @Test func shapeFailsAndStrideIsStatedWithoutFailing() throws {
    let golden = try Self.decode(LayoutGolden.self, "layout")
    let reference = C.interop("seq_mlp_fp32.pt")
    let candidate = C.compareFile("seq_mlp_layout.pt")
    let (status, output) = try C.compareJSON([reference, candidate])
    #expect(status == 1)
    for row in output.result.rows {
      let g = try #require(golden.keys[row.key])
      #expect(row.passed == g.torchPassed, "\(row.key)")
      #expect(row.message == g.torchMessage, "\(row.key)")
      let strideNote =
        "stride() differs: reference \(Self.tuple(g.referenceStride)), candidate \(Self.tuple(g.candidateStride))"
      if g.torchPassed && g.referenceStride != g.candidateStride {
        #expect(row.differences == [strideNote], "\(row.key)")
      }
    }
    let text = try ReproBinary.run(["compare", reference, candidate, "--verbose"])
    #expect(
      text.stdout.contains(
        "2.weight: float32 -> float32 shape differs: reference torch.Size([1, 2]), candidate torch.Size([2])"
      ))
    #expect(
      text.stdout.split(separator: "\n").contains {
        $0.hasPrefix("0.weight: ok float32 -> float32, mismatched 0 / 4, max abs 0.0, ")
          && $0.hasSuffix("; stride() differs: reference (2, 1), candidate (1, 2)")
      })
    // --bitwise checks strides, as assert_close(check_stride=True) does.
    let (_, bitwise) = try C.compareJSON([reference, candidate, "--bitwise"])
    for row in bitwise.result.rows {
      let g = try #require(golden.keys[row.key])
      #expect(row.passed == g.torchCheckStridePassed, "\(row.key)")
      #expect(row.message == g.torchCheckStrideMessage, "\(row.key)")
    }
  }

  static func tuple(_ values: [Int]) -> String {
    "(" + values.map(String.init).joined(separator: ", ") + (values.count == 1 ? ",)" : ")")
  }
}
