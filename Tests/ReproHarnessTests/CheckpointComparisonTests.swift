import Foundation
import ReproFormat
import ReproHarness
import ReproTensor
import ReproTestSupport
import Testing

@Suite struct CheckpointComparisonTests {
  func golden(_ file: String) throws -> Checkpoint {
    try Checkpoint.load(contentsOf: SampleResults.goldenURL(file))
  }

  @Test func reloadedTrainingCheckpointIsBitwiseEqual() throws {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let g = try golden("mlp_adam_checkpoint.pt")
    let url = scratch.appendingPathComponent("copy.pt")
    try Checkpoint.write(g, to: url, format: .torch)
    let diff = CheckpointComparison.compare(
      try Checkpoint.load(contentsOf: url), g, options: .bitwise, golden: "adam")
    #expect(diff.passed, "\(diff.message)")
    // Model and optimizer state: every tensor of the nested tree is compared, by path.
    #expect(diff.tensors.count > 4)
    #expect(diff.tensors.contains { $0.name?.hasPrefix("['optimizer']['state'][0]") == true })
  }

  @Test func missingAndUnexpectedKeysAreNamed() throws {
    let g = try golden("seq_mlp_fp32.pt")
    let pairs = try #require(g.root.pairs)
    let renamed = pairs.enumerated().map { n, p in
      n == 1 ? PicklePair(.string("0.bias_renamed"), p.value) : p
    }
    let diff = CheckpointComparison.compare(.dict(renamed), g.root, golden: "seq_mlp_fp32.pt")
    #expect(!diff.passed)
    #expect(diff.missingKeys == ["['0.bias']"])
    #expect(diff.unexpectedKeys == ["['0.bias_renamed']"])
    #expect(
      diff.message.hasPrefix(
        "Checkpoint differs from its golden seq_mlp_fp32.pt:\nMissing keys: ['0.bias']\nUnexpected keys: ['0.bias_renamed']"
      ))
  }

  @Test func keyOrderMattersOnlyBitwise() throws {
    let g = try golden("seq_mlp_fp32.pt")
    let pairs = try #require(g.root.pairs)
    let reversed = PickleValue.dict(pairs.reversed())
    #expect(CheckpointComparison.compare(reversed, g.root).passed)
    let bitwise = CheckpointComparison.compare(reversed, g.root, options: .bitwise)
    #expect(bitwise.valueMismatches.first?.description.hasPrefix("key order differs") == true)
  }

  @Test func leavesAndPerturbedTensorsAreReported() throws {
    let root = PickleValue.dict([
      PicklePair(.string("epoch"), .int(3)),
      PicklePair(.string("loss"), .float(0.5)),
      PicklePair(.string("w"), .tensor(Tensor([1, 2] as [Float]))),
    ])
    let other = PickleValue.dict([
      PicklePair(.string("epoch"), .int(4)),
      PicklePair(.string("loss"), .float(0.5 + 1e-12)),
      PicklePair(.string("w"), .tensor(Tensor([1, 3] as [Float]))),
    ])
    let diff = CheckpointComparison.compare(other, root, golden: "g")
    #expect(diff.valueMismatches.map(\.path) == ["['epoch']"])
    #expect(diff.valueMismatches.first?.description == "4 != 3")
    #expect(diff.failedTensors.map(\.name) == ["['w']"])
    #expect(diff.message.contains("The failure occurred for item ['w']\nGolden: g"))
  }

  @Test func perturbedGoldenFailsWithTheTensorNamed() throws {
    let g = try golden("seq_mlp_fp16.pt")
    let scaled = try SampleResults.perturbed(g.root, .scaled(1.5))
    let diff = CheckpointComparison.compare(scaled, g.root, golden: "seq_mlp_fp16.pt")
    #expect(diff.failedTensors.map(\.name) == ["['0.weight']"])
    let nudged = try SampleResults.perturbed(g.root, .nextUp)
    #expect(CheckpointComparison.compare(nudged, g.root).passed)
    let bitwise = CheckpointComparison.compare(nudged, g.root, options: .bitwise)
    #expect(bitwise.failedTensors.first?.figures?.maxULPDistance == 1)
  }

  /// Self-referencing checkpoints (Golden/pytorch/realworld, made by real torch) compare and the
  /// walk ends: back-references are compared as leaves, never followed.
  @Test func cyclicCheckpointsCompareAndTheWalkEnds() throws {
    let folder = Repository.golden("pytorch/realworld")
    let dict = try Checkpoint.load(contentsOf: folder.appendingPathComponent("cycle_self_dict.pt"))
    let again = try Checkpoint.load(contentsOf: folder.appendingPathComponent("cycle_self_dict.pt"))
    let same = CheckpointComparison.compare(again, dict, options: .bitwise)
    #expect(same.passed, "\(same.message)")
    #expect(same.tensors.count == 1)
    let list = try Checkpoint.load(contentsOf: folder.appendingPathComponent("cycle_list.pt"))
    let diff = CheckpointComparison.compare(list, dict)
    #expect(diff.missingKeys == ["['w']", "['step']", "['self']"])
    #expect(diff.unexpectedKeys == ["['items']", "['tuple']"])
  }
}
