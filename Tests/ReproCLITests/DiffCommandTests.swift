import Foundation
import ReproTestSupport
import Testing

/// `repro diff` end to end on files saved by PyTorch: exit codes, the tensor lines of the
/// comparison engine (figures checked against torch in ReproHarnessTests/FileDiffTests), and
/// moved records only with --verbose.
@Suite struct DiffCommandTests {
  static let fp32 = Repository.golden("pytorch/interop/seq_mlp_fp32.pt").path
  static let fp16 = Repository.golden("pytorch/interop/seq_mlp_fp16.pt").path
  static let perturbed = Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt").path

  @Test func identicalFilesExitZero() throws {
    let r = try ReproBinary.run(["diff", Self.fp32, Self.fp32])
    let size = try Data(contentsOf: URL(fileURLWithPath: Self.fp32)).count
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "identical (\(size) bytes)\n")
  }

  @Test func aPrecisionChangeShowsHowFarApartTheValuesAre() throws {
    let r = try ReproBinary.run(["diff", Self.fp32, Self.fp16])
    #expect(r.status == 1, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "size: 2511 → 2511 bytes")
    let tensorLines = lines.filter { $0.contains(" values differ") }
    #expect(tensorLines.count == 4, "\(r.stdout)")
    #expect(
      tensorLines.allSatisfy {
        $0.contains(": float32 → float16, ") && $0.contains(", max ULP 0 (float16), ")
      }, "\(r.stdout)")
  }

  @Test func movedRecordsOnlyWithVerbose() throws {
    let quiet = try ReproBinary.run(["diff", Self.fp32, Self.perturbed])
    #expect(quiet.status == 1, "\(quiet.stderr)")
    #expect(!quiet.stdout.contains("same bytes"))
    #expect(quiet.stdout.contains("\n0.weight: float32 → float32, 1 of 4 values differ, "))
    let prefixed = Repository.golden("pytorch/interop/dataparallel_prefix.pt").path
    let moved = try ReproBinary.run(["diff", Self.fp32, prefixed])
    #expect(!moved.stdout.contains("same bytes"))
    let verbose = try ReproBinary.run(["diff", Self.fp32, prefixed, "--verbose"])
    #expect(verbose.status == 1)
    #expect(verbose.stdout.contains("record data/1: same bytes, data offset "))
    // The same lines otherwise.
    #expect(
      verbose.stdout.split(separator: "\n").filter { !$0.contains("same bytes") }
        == moved.stdout.split(separator: "\n"))
  }

  @Test func aDamagedRecordExitsTwo() throws {
    let bad = Repository.golden("malformed/zip_bad_crc_data.pt").path
    let r = try ReproBinary.run(["diff", Self.fp32, bad])
    #expect(r.status == 2)
    #expect(r.stderr.contains("badCRC"), "\(r.stderr)")
  }
}
