import Foundation
import ReproFormat
import ReproTensor
import Testing

@testable import ReproNN

@Suite struct CheckpointTests {
  /// `torch.manual_seed(0); SimpleModel()` and the generator after it.
  func simpleModel() throws -> (Module, Generator) {
    let g = Generator(seed: UInt64(0))
    return (try ModelFactory.make("simple", generator: g), g)
  }

  /// Three SGD-momentum steps with gradients from `Generator(seed: UInt64(5))`, as the script.
  func tutorialRun(steps: Int = 3, grads: Generator = Generator(seed: UInt64(5))) throws -> (
    Module, SGD, Generator
  ) {
    let (model, _) = try simpleModel()
    let opt = try SGD(model.parameters(), lr: 0.01, momentum: 0.9)
    for _ in 0..<steps {
      for p in model.parameters() { p.grad = try grads.randn(shape: p.value.shape) }
      try opt.step()
    }
    return (model, opt, grads)
  }

  @Test func tutorialCheckpointIsByteIdenticalToTorchSave() throws {
    let (model, opt, _) = try tutorialRun()
    let ckpt = TrainingCheckpoint(epoch: 3, model: model, optimizer: opt, loss: .float(0.4321))
    let got = try ckpt.serialized(archiveName: "checkpoint_tutorial")
    let want = try OptimGolden.bytes("checkpoint_tutorial.pt")
    #expect(OptimGolden.firstDifference(got, want) == nil)
  }

  @Test func ampCheckpointWithScalerAndRNGStateIsByteIdentical() throws {
    let (model, g) = try simpleModel()
    let rng = g.stateBytes()
    let opt = try Adam(model.parameters(), lr: 0.01)
    let scaler = try GradScaler(device: "cpu", growthInterval: 2)
    let grads = Generator(seed: UInt64(6))
    for _ in 0..<3 {
      _ = try scaler.scale(Tensor(scalar: Float(1)))
      let s = Tensor(scalar: try #require(scaler.scaleTensorValue))
      for p in model.parameters() { p.grad = try grads.randn(shape: p.value.shape).mul(s) }
      try scaler.step(opt)
      try scaler.update()
    }
    var loss = Tensor(scalar: Float(0.25) * 3)
    loss.requiresGrad = true
    let ckpt = TrainingCheckpoint(
      epoch: 7, model: model, optimizer: opt, loss: .tensor(loss), scaler: scaler, generator: nil)
    var withRNG = ckpt
    withRNG.rngState = rng
    let got = try withRNG.serialized(archiveName: "checkpoint_amp")
    #expect(OptimGolden.firstDifference(got, try OptimGolden.bytes("checkpoint_amp.pt")) == nil)
  }

  @Test func saveWritesAtomicallyAndLoadRestoresEverything() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let (model, opt, _) = try tutorialRun()
    let scaler = try GradScaler(device: "cpu", initScale: 1024)
    let gen = Generator(seed: UInt64(123))
    _ = try gen.randn(shape: [7])
    let url = dir.appendingPathComponent("checkpoint_tutorial.pt")
    let ckpt = TrainingCheckpoint(
      epoch: 3, model: model, optimizer: opt, loss: .float(0.4321), scaler: scaler, generator: gen)
    try ckpt.save(to: url)
    #expect(
      Array(try Data(contentsOf: url)) == (try ckpt.serialized(archiveName: "checkpoint_tutorial")))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checkpoint_tutorial.pt"])

    let back = try TrainingCheckpoint.load(contentsOf: url)
    #expect(back.epoch == 3)
    let (fresh, _) = try simpleModel()
    let freshOpt = try SGD(fresh.parameters(), lr: 0.01, momentum: 0.9)
    let freshScaler = try GradScaler(device: "cpu")
    let freshGen = Generator(seed: UInt64(1))
    try back.restore(model: fresh, optimizer: freshOpt, scaler: freshScaler, generator: freshGen)
    for (a, b) in zip(fresh.stateDict().entries, model.stateDict().entries) {
      #expect(a.tensor.bytesEqual(b.tensor), "\(a.key)")
    }
    #expect(
      try Checkpoint(root: freshOpt.stateDict()).serialized(format: .torch)
        == (try Checkpoint(root: opt.stateDict()).serialized(format: .torch)))
    #expect(freshScaler.stateDict()["scale"]?.int64 == 1024)
    #expect(freshGen.stateBytes() == gen.stateBytes())
  }

  /// Train 3 steps, checkpoint to bytes, restore into a fresh model and optimizer, train 2 more:
  /// bitwise equal to 5 uninterrupted steps.
  @Test func resumingFromACheckpointIsBitwiseEqualToUninterruptedTraining() throws {
    let (straight, _, _) = try tutorialRun(steps: 5)
    let grads = Generator(seed: UInt64(5))
    let (model, opt, _) = try tutorialRun(steps: 3, grads: grads)
    let bytes = try TrainingCheckpoint(epoch: 3, model: model, optimizer: opt, loss: .float(0))
      .serialized()
    let back = try TrainingCheckpoint(try Checkpoint.load(file: Storage(bytes: bytes)).root)
    let (fresh, _) = try simpleModel()
    let freshOpt = try SGD(fresh.parameters(), lr: 0.01, momentum: 0.9)
    try back.restore(model: fresh, optimizer: freshOpt)
    for _ in 0..<2 {
      for p in fresh.parameters() { p.grad = try grads.randn(shape: p.value.shape) }
      try freshOpt.step()
    }
    for (a, b) in zip(fresh.stateDict().entries, straight.stateDict().entries) {
      #expect(a.tensor.bytesEqual(b.tensor), "\(a.key)")
    }
  }

  @Test func moduleStateDictValueIsWhatTorchSaves() throws {
    let (model, _) = try simpleModel()
    let file = try Checkpoint.load(contentsOf: OptimGolden.url("checkpoint_amp.pt")).root
    let fromTorch = try #require(file["model_state_dict"])
    // Same keys, _metadata paths and versions as PyTorch's state_dict.
    let mine = try StateDict(model.stateDictValue())
    let theirs = try StateDict(fromTorch)
    #expect(mine.keys == theirs.keys)
    #expect(mine.metadata.map(\.path) == theirs.metadata.map(\.path))
    #expect(mine.metadata.map(\.version) == theirs.metadata.map(\.version))
    let keys = try model.loadStateDict(from: fromTorch)
    #expect(keys.missingKeys.isEmpty && keys.unexpectedKeys.isEmpty)
    #expect(throws: NNError.self) { try model.loadStateDict(from: .list([])) }
  }

  @Test func readingAMalformedCheckpointNamesTheKey() throws {
    #expect(throws: NNError(.invalidStateDict, "checkpoint has no \"epoch\" key")) {
      try TrainingCheckpoint(.dict([]))
    }
    #expect(
      throws: NNError(
        .invalidStateDict, "checkpoint \"loss\" is str, expected a float or a tensor")
    ) {
      try TrainingCheckpoint(
        .dict([
          PicklePair(.string("epoch"), .int(1)), PicklePair(.string("model_state_dict"), .dict([])),
          PicklePair(.string("optimizer_state_dict"), .dict([])),
          PicklePair(.string("loss"), .string("x")),
        ]))
    }
  }
}
