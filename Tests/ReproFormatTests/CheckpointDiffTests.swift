import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// `repro diff`'s structural engine on PyTorch-made files.
@Suite struct CheckpointDiffTests {
  static func url(_ name: String) -> URL { Repository.golden("pytorch/interop/\(name)") }

  static func storage(_ name: String) throws -> Storage {
    Storage(bytes: [UInt8](try Data(contentsOf: url(name))))
  }

  /// The `.values` items: the tensors whose values differ, by path.
  static func valuePaths(_ d: CheckpointDiff) -> [String] {
    d.items.compactMap {
      if case .values(let path, _, _) = $0 { return path }
      return nil
    }
  }

  @Test func identicalFilesHaveNoLines() throws {
    let d = try CheckpointDiff(contentsOf: Self.url("seq_mlp_fp32.pt"), Self.url("seq_mlp_fp32.pt"))
    #expect(d.isIdentical)
    #expect(d.items.isEmpty)
    #expect(d.firstByteCount == (try Data(contentsOf: Self.url("seq_mlp_fp32.pt"))).count)
  }

  @Test func precisionChangeIsExplainedRecordByRecordAndTensorByTensor() throws {
    let d = try CheckpointDiff(Self.storage("seq_mlp_fp32.pt"), Self.storage("seq_mlp_fp16.pt"))
    #expect(!d.isIdentical)
    #expect(d.lines.contains("archive folder: seq_mlp_fp32 → seq_mlp_fp16"))
    #expect(d.lines.contains { $0.hasPrefix("record data.pkl: ") })
    #expect(d.lines.contains { $0.contains("data.pkl diverges at instruction") })
    #expect(
      d.lines.contains {
        $0.contains("'torch FloatStorage'") && $0.contains("'torch HalfStorage'")
      }, "\(d.lines)")
    // Every tensor changed dtype: each is handed over for its values, which names the dtypes.
    #expect(Self.valuePaths(d) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    #expect(d.lines.contains("0.weight: float32 → float16, values differ"))
    #expect(!d.lines.contains { $0.contains(": dtype ") })
  }

  @Test func oneChangedValueIsLocated() throws {
    let checkpoint = try Checkpoint.load(contentsOf: Self.url("seq_mlp_fp32.pt"))
    let original = try checkpoint.serialized(format: .torch, archiveName: "seq_mlp_fp32")
    let weight = try #require(
      Inventory(of: checkpoint).entries.first { $0.path == "2.weight" }?.tensor)
    weight.setScalar(.float(0.5), atStorageIndex: weight.storageOffset + 1)
    let changed = try checkpoint.serialized(format: .torch, archiveName: "seq_mlp_fp32")
    let d = try CheckpointDiff(Storage(bytes: original), Storage(bytes: changed))
    // The record of 2.weight (data/2: two float32) differs from its byte 4 (element 1).
    #expect(
      d.lines.contains { $0.hasPrefix("record data/2: 8 → 8 bytes") && $0.hasSuffix("byte 4") },
      "\(d.lines)")
    #expect(Self.valuePaths(d) == ["2.weight"])
    #expect(d.lines.last == "2.weight: float32 → float32, values differ")
  }

  /// dataparallel_prefix.pt holds seq_mlp_fp32.pt's values under `module.` keys: its longer
  /// data.pkl moves every later record by 64 bytes; those lines come only with `verbose`.
  @Test func movedRecordsAreListedOnlyWhenVerbose() throws {
    let prefixed = Self.url("dataparallel_prefix.pt")
    let quiet = try CheckpointDiff(contentsOf: Self.url("seq_mlp_fp32.pt"), prefixed)
    #expect(!quiet.lines.contains { $0.contains("same bytes") }, "\(quiet.lines)")
    #expect(quiet.lines.contains("module.0.weight: added (tensor)"))
    let verbose = try CheckpointDiff(
      contentsOf: Self.url("seq_mlp_fp32.pt"), prefixed, verbose: true)
    let a = try ZipArchive(bytes: Self.storage("seq_mlp_fp32.pt"))
    let b = try ZipArchive(bytes: Self.storage("dataparallel_prefix.pt"))
    for record in ["data/1", "data/2", "data/3"] {
      let ea = try #require(a.entry(record: record))
      let eb = try #require(b.entry(record: record))
      #expect(ea.dataOffset != eb.dataOffset)
      #expect(
        verbose.lines.contains(
          "record \(record): same bytes, data offset \(ea.dataOffset) → \(eb.dataOffset)"),
        "\(verbose.lines)")
    }
    #expect(verbose.lines.filter { !$0.contains("same bytes") } == quiet.lines)
  }

  @Test func aRecordWithABadCRCIsRefused() throws {
    #expect {
      try CheckpointDiff(
        contentsOf: Self.url("seq_mlp_fp32.pt"),
        Repository.golden("malformed/zip_bad_crc_data.pt"))
    } throws: { error in
      (error as? FormatError)?.code == .badCRC
    }
  }
}
