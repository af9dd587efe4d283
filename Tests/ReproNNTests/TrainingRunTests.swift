import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// `repro train`'s recipe against the same loop in real PyTorch 2.13
/// (Scripts/make_train_goldens.py → Golden/pytorch/train/recipes.json).
@Suite struct TrainingRunTests {
  /// One recipe as the script ran it, as a `TrainingRun`.
  @dynamicMemberLookup
  struct Recipe: Sendable, CustomTestStringConvertible {
    var golden: TrainRecipeGolden
    subscript<T>(dynamicMember path: KeyPath<TrainRecipeGolden, T>) -> T { golden[keyPath: path] }
    var testDescription: String {
      let args = golden.args
      let flags = [
        args.nesterov == true ? "nesterov" : nil, args.dampening.map { "dampening=\($0)" },
        args.amsgrad == true ? "amsgrad" : nil, args.maximize == true ? "maximize" : nil,
        golden.initialSeed != 0 ? "seed=\(golden.initialSeed)" : nil,
      ].compactMap { $0 }
      return (["\(golden.optimizer) \(golden.amp ?? "fp32") lr=\(args.lr ?? 0)"] + flags).joined(
        separator: " ")
    }

    /// The optimizer; an unknown name in the golden stops the test.
    var kind: TrainingRun.OptimizerKind {
      get throws { try #require(TrainingRun.OptimizerKind(rawValue: golden.optimizer)) }
    }

    var run: TrainingRun {
      get throws {
        let args = golden.args
        return TrainingRun(
          spec: golden.spec, seed: golden.initialSeed, optimizer: try kind, lr: args.lr,
          momentum: args.momentum, dampening: args.dampening, nesterov: args.nesterov ?? false,
          weightDecay: args.weightDecay, betas: args.betas.map { ($0[0], $0[1]) }, eps: args.eps,
          amsgrad: args.amsgrad ?? false, maximize: args.maximize ?? false, steps: golden.steps,
          dataSeed: golden.dataInitialSeed, batch: golden.batch,
          amp: golden.amp.flatMap { DType(pytorchName: $0) })
      }
    }
  }

  static let recipes: [Recipe] = ((try? TrainRecipeGolden.all()) ?? []).map(Recipe.init)

  @Test func everyRecipeIsPresent() { #expect(Self.recipes.count == 12) }

  @Test(arguments: recipes)
  func trainingMatchesPyTorchWithinTolerance(_ recipe: Recipe) throws {
    let outcome = try recipe.run.run()
    let sd = outcome.model.stateDict()
    var maxAbs = 0.0
    var maxRel = 0.0
    for (key, want) in recipe.params {
      let got = try #require(sd[key]).doubles()
      #expect(got.count == want.count, "\(key)")
      for (g, w) in zip(got, want) {
        let d = abs(g - w)
        maxAbs = max(maxAbs, d)
        if w != 0 { maxRel = max(maxRel, d / abs(w)) }
        #expect(d <= 1e-6 + 1e-5 * abs(w), "\(key): \(g) vs PyTorch \(w)")
      }
    }
    #expect(
      abs(outcome.loss - recipe.loss) <= 1e-6 + 1e-5 * abs(recipe.loss),
      "loss \(outcome.loss) vs \(recipe.loss)")
    print("train \(recipe.testDescription): max abs \(maxAbs), max rel \(maxRel)")
  }

  @Test(arguments: recipes)
  func resumingIsBitwiseEqualToAnUninterruptedRun(_ recipe: Recipe) throws {
    let straight = try recipe.run.run()
    var half = try recipe.run
    half.steps = recipe.steps / 2
    let first = try half.run()
    let bytes = try Checkpoint(root: first.value).serialized(format: .torch)
    let reloaded = try Checkpoint.load(file: Storage(bytes: bytes)).root
    let resumed = try recipe.run.run(resumingFrom: reloaded)
    let a = straight.model.stateDict()
    let b = resumed.model.stateDict()
    for e in a.entries {
      #expect(b[e.key]?.bytesEqual(e.tensor) == true, "\(e.key) differs after resume")
    }
    #expect(
      try Checkpoint(root: straight.value).serialized(format: .torch)
        == Checkpoint(root: resumed.value).serialized(format: .torch))
  }
}
