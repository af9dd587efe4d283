import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One training run of recipe.json (torch.optim.SGD without momentum), from
/// Scripts/make_autograd_goldens.py: every step's loss and the final state dict.
struct RecipeGolden: Decodable, Sendable, CustomTestStringConvertible {
  let spec: String
  let seed: Int64
  let dataSeed: UInt64
  let batch: Int
  let steps: Int
  let lr: Double
  let inFeatures: Int
  let outFeatures: Int
  let losses: [String]
  let lastLoss: Double
  let stateDict: [GoldenTensor]

  enum CodingKeys: String, CodingKey {
    case spec, seed, batch, steps, lr, losses
    case dataSeed = "data_seed"
    case inFeatures = "in_features"
    case outFeatures = "out_features"
    case lastLoss = "last_loss"
    case stateDict = "state_dict"
  }

  var testDescription: String { "\(spec) seed=\(seed) lr=\(lr)" }

  static func all() throws -> [RecipeGolden] {
    struct File: Decodable { let recipes: [RecipeGolden] }
    return try TestJSON.decode(File.self, golden: "pytorch/autograd/recipe.json").recipes
  }
}

/// `TrainingRun` with plain SGD, step by step against PyTorch: the loss of every step, not only
/// the last, and every parameter after the run.
@Suite struct TrainingRunLossTests {
  @Test(arguments: try RecipeGolden.all())
  func sgdLossesMatchPyTorchAtEveryStep(golden r: RecipeGolden) throws {
    BLAS.setThreadCount(1)
    let run = TrainingRun(
      spec: r.spec, seed: UInt64(r.seed), optimizer: .sgd, lr: r.lr, steps: r.steps,
      dataSeed: r.dataSeed, batch: r.batch)
    var losses: [Double] = []
    var indices: [Int] = []
    let outcome = try run.run { step, loss in
      indices.append(step)
      losses.append(loss)
    }
    let linears = outcome.model.namedModules().compactMap { $0.module as? Linear }
    #expect(linears.first?.inFeatures == r.inFeatures)
    #expect(linears.last?.outFeatures == r.outFeatures)
    #expect(indices == Array(0..<r.steps))
    let wantLosses = try r.losses.map { hex in
      Double(Float(bitPattern: try #require(UInt32(hex, radix: 16))))
    }
    let lossCheck = Closeness(losses, wantLosses, rtol: 1e-5, atol: 1e-6)
    #expect(lossCheck.failures == 0, "losses: \(lossCheck)")
    #expect(Swift.abs(outcome.loss - r.lastLoss) <= 1e-6 + 1e-5 * Swift.abs(r.lastLoss))
    let sd = outcome.model.stateDict()
    var worst = Closeness([], [], rtol: 1e-5, atol: 1e-6)
    var identical = 0
    for want in r.stateDict {
      let got = try #require(sd[want.key])
      if got.sha256Hex() == want.sha256 { identical += 1 }
      let c = Closeness(got.doubles(), try #require(want.values), rtol: 1e-5, atol: 1e-6)
      #expect(c.failures == 0, "\(want.key): \(c)")
      worst.maxAbs = Swift.max(worst.maxAbs, c.maxAbs)
      worst.maxRel = Swift.max(worst.maxRel, c.maxRel)
    }
    print(
      "training run \(r.spec): losses \(lossCheck); state dict maxAbs=\(worst.maxAbs) maxRel=\(worst.maxRel), \(identical)/\(r.stateDict.count) tensors sha256-identical"
    )
  }

  @Test(arguments: [(0, 5), (8, -1)])
  func runRejectsANonPositiveBatchOrNegativeSteps(batch: Int, steps: Int) throws {
    let run = TrainingRun(
      spec: "mlp", seed: 0, optimizer: .sgd, steps: steps, dataSeed: 0, batch: batch)
    #expect(
      throws: NNError(
        .invalidArgument,
        "training run: steps (\(steps)) must be >= 0 and batch (\(batch)) >= 1")
    ) { try run.run() }
  }

  @Test func runRefusesASpecWithoutLinearLayers() throws {
    let run = TrainingRun(
      spec: "Sequential(ReLU())", seed: 0, optimizer: .sgd, steps: 1, dataSeed: 0)
    #expect(
      throws: NNError(
        .invalidArgument,
        "repro train feeds randn(batch, in_features): the model needs Linear layers (Sequential(ReLU()) has none)"
      )
    ) { try run.run() }
  }
}
