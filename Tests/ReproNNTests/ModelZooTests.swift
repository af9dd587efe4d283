import ReproTensor
import Testing

@testable import ReproNN

/// The zoo's one list of names: every name builds, takes its example input, and is known to
/// the spec factory.
@Suite struct ModelZooTests {
  @Test func namesAreTheFourZooModels() {
    #expect(ModelZoo.names == ["simple", "mlp", "cnn", "resnet18"])
    #expect(ModelZoo.configuredNames == ["gpt"])
    #expect(
      ModelFactory.knownNames.suffix(7)
        == (ModelZoo.names + ModelZoo.configuredNames + ModelZoo.transformerNames)[...])
    #expect(Set(ModelFactory.constructorNames).isDisjoint(with: ModelZoo.names))
  }

  @Test(arguments: ModelZoo.names)
  func everyModelRunsOnItsExampleInput(name: String) throws {
    let model = try ModelFactory.make(name, generator: Generator(seed: UInt64(0)))
    model.eval()
    let x = try #require(try ModelZoo.exampleInput(named: name, seed: 0))
    #expect(x.shape == ModelZoo.exampleInputShape(named: name))
    let y = try GradMode.$isEnabled.withValue(false) { try model(x) }
    #expect(y.shape.first == x.shape.first)
    // The same draw as `torch.Generator().manual_seed(10_000).randn(shape)`.
    let again = try Generator(seed: UInt64(10_000)).randn(shape: x.shape)
    #expect(x.sha256Hex() == again.sha256Hex())
  }

  @Test func unknownNamesHaveNoSpecOrInput() throws {
    #expect(ModelZoo.spec(named: "resnet50") == nil)
    #expect(ModelZoo.exampleInputShape(named: "resnet50") == nil)
    #expect(try ModelZoo.exampleInput(named: "resnet50", seed: 0) == nil)
    #expect(ModelZoo.spec(named: "resnet18") == nil)
  }
}
