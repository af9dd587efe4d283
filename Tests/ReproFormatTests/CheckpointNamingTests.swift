import Foundation
import Testing

@testable import ReproFormat

@Suite struct CheckpointNamingTests {
  /// Epoch seconds from Python: `datetime.fromisoformat(s).replace(tzinfo=timezone.utc)`.
  @Test(arguments: [
    ("model_v3_2026-11-22T10-15-00.pth", 1_795_342_500 as Int64, "model", 3, "pth"),
    ("run_a_v12_2024-02-29T23-59-59.pt", 1_709_251_199, "run_a", 12, "pt"),
    ("x_v0_1969-12-31T23-59-59.pth.tar", -1, "x", 0, "pth.tar"),
    ("model_v2_v7_2000-03-01T00-00-00.pth", 951_868_800, "model_v2", 7, "pth"),
    ("old_v1_1900-01-01T00-00-00.ckpt", -2_208_988_800, "old", 1, "ckpt"),
  ])
  func formatsAndParsesUTCNames(
    fileName: String, seconds: Int64, prefix: String, version: Int, ext: String
  ) throws {
    let name = CheckpointName(
      prefix: prefix, version: version, secondsSince1970: seconds, fileExtension: ext)
    #expect(name.fileName == fileName)
    let parsed = try #require(CheckpointName(fileName: fileName))
    #expect(parsed == name)
    #expect(parsed.timestamp == Date(timeIntervalSince1970: TimeInterval(seconds)))
  }

  @Test func dateInitializerTruncatesToSeconds() {
    let name = CheckpointName(
      prefix: "m", version: 1, timestamp: Date(timeIntervalSince1970: 1_795_342_500.999))
    #expect(name.fileName == "m_v1_2026-11-22T10-15-00.pth")
  }

  @Test(arguments: [
    "model_v03_2026-11-22T10-15-00.pth", "model_v3_2026-02-30T10-15-00.pth",
    "model_v3_2026-13-01T10-15-00.pth", "model_v3_2026-11-22T24-00-00.pth",
    "model_v3_2026-11-22T10-15-00", "model_v3_2026-11-22T10:15:00.pth",
    "model_3_2026-11-22T10-15-00.pth", "_v3_2026-11-22T10-15-00.pth",
    "model_v3_2026-11-22T10-15-00.p-th", "model_v3_2026-11-22T10-15-00.pth.",
    "model_v_2026-11-22T10-15-00.pth", "model_v3_26-11-22T10-15-00.pth",
    ".model_v3_2026-11-22T10-15-00.pth.tmp-123-abc", "notes.txt", "",
  ])
  func rejectsNonCanonicalNames(fileName: String) {
    #expect(CheckpointName(fileName: fileName) == nil)
  }

  @Test func ordersByVersionThenTimestamp() {
    let a = CheckpointName(prefix: "m", version: 2, secondsSince1970: 100)
    let b = CheckpointName(prefix: "m", version: 2, secondsSince1970: 200)
    let c = CheckpointName(prefix: "m", version: 10, secondsSince1970: 0)
    #expect([c, b, a].sorted() == [a, b, c])
  }

  @Test func rotationKeepsNewestAndTouchesNothingElse() throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let checkpoints = [
      "model_v1_2026-01-01T00-00-00.pth", "model_v2_2025-01-01T00-00-00.pth",
      "model_v2_2025-06-01T00-00-00.pth", "model_v10_2020-01-01T00-00-00.pth",
      "model_v3_2026-01-01T00-00-00.pth",
    ]
    let others = [
      "notes.txt", "model_v1_bad.pth", "other_v1_2020-01-01T00-00-00.pth",
      "model_v01_2020-01-01T00-00-00.pth", "model_v0_2020-01-01T00-00-00.pt",
    ]
    for f in checkpoints + others {
      _ = FileManager.default.createFile(
        atPath: folder.appendingPathComponent(f).path, contents: Data([1]))
    }
    // A folder with a checkpoint-like name is not a checkpoint.
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("model_v0_2019-01-01T00-00-00.pth"),
      withIntermediateDirectories: false)
    let listed = try CheckpointNaming.checkpoints(in: folder, prefix: "model", fileExtension: "pth")
    #expect(
      listed.map(\.name.fileName) == [
        "model_v1_2026-01-01T00-00-00.pth", "model_v2_2025-01-01T00-00-00.pth",
        "model_v2_2025-06-01T00-00-00.pth", "model_v3_2026-01-01T00-00-00.pth",
        "model_v10_2020-01-01T00-00-00.pth",
      ])
    let deleted = try CheckpointNaming.rotate(
      in: folder, prefix: "model", fileExtension: "pth", keepLast: 2)
    #expect(
      deleted.map(\.lastPathComponent) == [
        "model_v1_2026-01-01T00-00-00.pth", "model_v2_2025-01-01T00-00-00.pth",
        "model_v2_2025-06-01T00-00-00.pth",
      ])
    let remaining = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(
      remaining
        == (others + [
          "model_v3_2026-01-01T00-00-00.pth", "model_v10_2020-01-01T00-00-00.pth",
          "model_v0_2019-01-01T00-00-00.pth",
        ]).sorted())
    #expect(try CheckpointNaming.latest(in: folder, prefix: "model")?.name.version == 10)
    // Without an extension filter the .pt checkpoint takes part too.
    let second = try CheckpointNaming.rotate(in: folder, prefix: "model", keepLast: 2)
    #expect(second.map(\.lastPathComponent) == ["model_v0_2020-01-01T00-00-00.pt"])
  }

  @Test func negativeKeepIsRefused() {
    #expect {
      try CheckpointNaming.rotate(
        in: FileManager.default.temporaryDirectory, prefix: "m", keepLast: -1)
    } throws: { ($0 as? FormatError)?.code == .invalidArgument }
  }
}
