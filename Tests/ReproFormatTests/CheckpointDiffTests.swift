import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// `repro diff`'s engine on PyTorch-made files.
@Suite struct CheckpointDiffTests {
  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: Repository.golden("pytorch/interop/\(name)")))
  }

  @Test func identicalFilesHaveNoLines() throws {
    let a = try Self.bytes("seq_mlp_fp32.pt")
    let d = try CheckpointDiff(a, a)
    #expect(d.isIdentical)
    #expect(d.lines.isEmpty)
  }

  @Test func precisionChangeIsExplainedRecordByRecordAndTensorByTensor() throws {
    let d = try CheckpointDiff(Self.bytes("seq_mlp_fp32.pt"), Self.bytes("seq_mlp_fp16.pt"))
    #expect(!d.isIdentical)
    #expect(d.lines.contains("archive folder: seq_mlp_fp32 → seq_mlp_fp16"))
    #expect(d.lines.contains { $0.hasPrefix("record data.pkl: ") })
    #expect(d.lines.contains { $0.contains("data.pkl diverges at instruction") })
    #expect(
      d.lines.contains {
        $0.contains("'torch FloatStorage'") && $0.contains("'torch HalfStorage'")
      }, "\(d.lines)")
    #expect(d.lines.contains("0.weight: dtype float32 → float16"))
  }

  @Test func oneChangedValueIsLocated() throws {
    let checkpoint = try Checkpoint.load(
      contentsOf: Repository.golden("pytorch/interop/seq_mlp_fp32.pt"))
    let original = try checkpoint.serialized(format: .torch, archiveName: "seq_mlp_fp32")
    let weight = try #require(
      Inventory(of: checkpoint).entries.first { $0.path == "2.weight" }?.tensor)
    let old = weight.scalar(atStorageIndex: weight.storageOffset + 1)
    weight.setScalar(.float(0.5), atStorageIndex: weight.storageOffset + 1)
    let changed = try checkpoint.serialized(format: .torch, archiveName: "seq_mlp_fp32")
    let d = try CheckpointDiff(original, changed)
    #expect(d.lines.contains { $0.hasPrefix("record data/2: 8 → 8 bytes") }, "\(d.lines)")
    #expect(
      d.lines.contains(
        "2.weight: 1 of 2 values differ; largest at flat index 1: \(Scalar.pythonRepr(old.doubleValue)) → 0.5 (abs diff \(Scalar.pythonRepr(abs(old.doubleValue - 0.5))))"
      ), "\(d.lines)")
  }
}
