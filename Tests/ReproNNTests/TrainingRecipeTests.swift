import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One training run of recipe.json (torch.optim.SGD without momentum).
struct RecipeGolden: Decodable, Sendable, CustomTestStringConvertible {
  let spec: String
  let seed: Int64
  let data_seed: UInt64
  let batch: Int
  let steps: Int
  let lr: Double
  let in_features: Int
  let out_features: Int
  let losses: [String]
  let last_loss: Double
  let state_dict: [GoldenTensor]

  var testDescription: String { "\(spec) seed=\(seed) lr=\(lr)" }

  static func all() throws -> [RecipeGolden] {
    struct File: Decodable { let recipes: [RecipeGolden] }
    return try TestJSON.decode(File.self, golden: "pytorch/autograd/recipe.json").recipes
  }
}

@Suite struct TrainingRecipeTests {
  @Test(arguments: try RecipeGolden.all())
  func sgdRecipeMatchesPyTorch(golden r: RecipeGolden) throws {
    BLAS.setThreadCount(1)
    let model = try ModelFactory.make(r.spec, generator: Generator(seed: r.seed))
    let recipe = TrainingRecipe(
      steps: r.steps, dataSeed: r.data_seed, batchSize: r.batch, inFeatures: r.in_features,
      outFeatures: r.out_features)
    var losses: [Double] = []
    let last = try recipe.run(model: model, onLoss: { _, l in losses.append(l.doubles()[0]) }) {
      params in
      for p in params {
        guard let g = p.grad else { continue }
        p.value = try p.value.sub(g.mul(r.lr))
      }
    }
    let wantLosses = r.losses.map { Double(Float(bitPattern: UInt32($0, radix: 16)!)) }
    let lossCheck = Closeness(losses, wantLosses, rtol: 1e-5, atol: 1e-6)
    #expect(lossCheck.failures == 0, "losses: \(lossCheck)")
    #expect(Swift.abs(last - r.last_loss) <= 1e-6 + 1e-5 * Swift.abs(r.last_loss))
    let sd = model.stateDict()
    var worst = Closeness([], [], rtol: 1e-5, atol: 1e-6)
    var identical = 0
    for want in r.state_dict {
      let got = try #require(sd[want.key])
      if got.sha256Hex() == want.sha256 { identical += 1 }
      let c = Closeness(got.doubles(), try #require(want.values), rtol: 1e-5, atol: 1e-6)
      #expect(c.failures == 0, "\(want.key): \(c)")
      worst.maxAbs = Swift.max(worst.maxAbs, c.maxAbs)
      worst.maxRel = Swift.max(worst.maxRel, c.maxRel)
    }
    print(
      "recipe \(r.spec): losses \(lossCheck); state dict maxAbs=\(worst.maxAbs) maxRel=\(worst.maxRel), \(identical)/\(r.state_dict.count) tensors sha256-identical"
    )
  }

  @Test func recipeRejectsNonPositiveSizes() throws {
    let model = try ModelFactory.make("mlp", generator: Generator(seed: Int64(0)))
    let recipe = TrainingRecipe(steps: 1, dataSeed: 0, batchSize: 0, inFeatures: 16, outFeatures: 4)
    #expect(throws: TensorError.self) { try recipe.run(model: model) { _ in } }
  }
}
