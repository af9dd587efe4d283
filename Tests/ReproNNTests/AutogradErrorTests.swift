import ReproTensor
import Testing

@testable import ReproNN

@Suite struct AutogradErrorTests {
  /// The error `body` throws, if it is an `E`.
  func error<E: Error>(_: E.Type, _ body: () throws -> Void) -> E? {
    do { try body() } catch let e as E { return e } catch { return nil }
    return nil
  }

  @Test func backwardTwiceIsRefused() throws {
    let w = Parameter(Tensor([1, 2, 3] as [Float]))
    let loss = try Variable(w).pow(2).sum()
    try loss.backward()
    let e = error(NNError.self) { try loss.backward() }
    #expect(e?.code == .invalidOrder)
    #expect(e?.message.contains("backward through the graph a second time") == true)
  }

  @Test func backwardAccumulatesUntilZeroGrad() throws {
    let model = try ModelFactory.make("simple", generator: Generator(seed: Int64(0)))
    let x = try Generator(seed: UInt64(1)).randn(shape: [2, 10])
    try model(Variable(x)).sum().backward()
    let once = try #require(model.parameters()[1].grad).doubles()
    try model(Variable(x)).sum().backward()
    #expect(try #require(model.parameters()[1].grad).doubles() == once.map { $0 * 2 })
    model.zeroGrad()
    #expect(model.parameters().allSatisfy { $0.grad == nil })
  }

  @Test func implicitGradientNeedsAScalar() throws {
    let w = Parameter(Tensor([1, 2] as [Float]))
    let e = error(NNError.self) { try Variable(w).mul(2).backward() }
    #expect(e?.code == .invalidArgument)
    #expect(e?.message == "grad can be implicitly created only for scalar outputs, got shape [2]")
  }

  @Test func constantHasNoGradFn() {
    let e = error(NNError.self) { try Variable(Tensor(scalar: Float(1))).backward() }
    #expect(e?.message == "element 0 of tensors does not require grad and does not have a grad_fn")
  }

  @Test func noGradBuildsNoGraph() throws {
    let model = try ModelFactory.make("mlp", generator: Generator(seed: Int64(0)))
    let y = try GradMode.$isEnabled.withValue(false) {
      try model(Variable(Tensor(zeros: [1, 16], dtype: .float32)))
    }
    #expect(!y.requiresGrad)
  }

  @Test func batchNormNeedsMoreThanOneValuePerChannel() throws {
    let bn = BatchNorm2d(3)
    let e = error(TensorError.self) {
      _ = try bn(Variable(Tensor(zeros: [1, 3, 1, 1], dtype: .float32)))
    }
    #expect(e?.code == .invalidArgument)
    #expect(e?.message.hasPrefix("Expected more than 1 value per channel when training") == true)
  }

  @Test func crossEntropyRejectsOutOfRangeTargets() {
    let logits = Variable(Tensor(zeros: [2, 3], dtype: .float32))
    let e = error(NNError.self) {
      _ = try Losses.crossEntropyLoss(logits, targets: Tensor([Int64(0), 3], shape: [2]))
    }
    #expect(e?.code == .outOfBounds)
    #expect(e?.message == "cross_entropy: target 3 at index 1 is out of bounds for 3 classes")
  }

  @Test func modelWithoutForwardThrows() {
    let e = error(NNError.self) {
      _ = try Module(typeName: "Custom")(Variable(Tensor(zeros: [1], dtype: .float32)))
    }
    #expect(e?.code == .unsupported)
    #expect(e?.message == "Custom has no forward")
  }

  @Test func dtypeMismatchIsAnErrorOutsideAutocast() throws {
    let model = try ModelFactory.make("simple", generator: Generator(seed: Int64(0)))
    model.cast(to: .bfloat16)
    let e = error(TensorError.self) {
      _ = try model(Variable(Tensor(zeros: [1, 10], dtype: .float32)))
    }
    #expect(e?.code == .dtypeMismatch)
    // bfloat16 input works, and an autocast scope makes float32 input work too.
    #expect(try model(Variable(Tensor(zeros: [1, 10], dtype: .bfloat16))).dtype == .bfloat16)
    let y = try Autocast.$dtype.withValue(.bfloat16) {
      try model(Variable(Tensor(zeros: [1, 10], dtype: .float32)))
    }
    #expect(y.dtype == .bfloat16)
  }
}
