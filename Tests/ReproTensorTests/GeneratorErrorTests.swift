import Testing

@testable import ReproTensor

/// Bad arguments end in a typed error naming what is wrong (wording after PyTorch's).
@Suite struct GeneratorErrorTests {
  let g = Generator(seed: UInt64(0))

  @Test func uniformRejectsBadBoundsAndDTypes() {
    let t = Tensor(zeros: [3], dtype: .float32)
    #expect(
      throws: TensorError(
        .invalidArgument,
        "uniform_ expects to return a [from, to) range, but found from=1.0 > to=0.0")
    ) {
      try g.fillUniform(t, from: 1, to: 0)
    }
    #expect(
      throws: TensorError(.invalidArgument, "uniform_: to is out of bounds for float32 (got inf)")
    ) {
      try g.fillUniform(t, from: 0, to: .infinity)
    }
    #expect(
      throws: TensorError(
        .invalidArgument, "uniform_: from is out of bounds for float16 (got -70000.0)")
    ) {
      try g.fillUniform(Tensor(zeros: [3], dtype: .float16), from: -70000, to: 0)
    }
    let e = #expect(throws: TensorError.self) {
      try g.fillUniform(Tensor(zeros: [3], dtype: .int64))
    }
    #expect(e?.code == .unsupportedDType)
    #expect(e?.message.contains("int64") == true)
    let big = Float.greatestFiniteMagnitude
    #expect(throws: TensorError.self) { try g.fillUniform(t, from: -Double(big), to: Double(big)) }
  }

  @Test func normalRejectsNegativeOrNaNStd() {
    let t = Tensor(zeros: [3], dtype: .float64)
    #expect(throws: TensorError(.invalidArgument, "normal expects std >= 0.0, but found std -1.0"))
    {
      try g.fillNormal(t, mean: 0, std: -1)
    }
    #expect(throws: TensorError.self) { try g.fillNormal(t, mean: 0, std: .nan) }
  }

  @Test func overlappingOrReadOnlyOutputsAreRefused() throws {
    let row = Tensor(zeros: [3], dtype: .float32)
    let expanded = try row.unsqueezed(0).expanded(to: [2, 3])
    let e = #expect(throws: TensorError.self) { try g.fillNormal(expanded) }
    #expect(e?.message.contains("more than one element") == true)
    final class Owner: Sendable {}
    let bytes: [UInt8] = Array(repeating: 0, count: 16)
    try bytes.withUnsafeBytes { raw in
      let ro = Storage(borrowing: raw, owner: Owner(), isReadOnly: true)
      let t = try Tensor(storage: ro, dtype: .float32, shape: [4], strides: [1])
      let e2 = #expect(throws: TensorError.self) { try g.fillUniform(t) }
      #expect(e2?.message.contains("read-only") == true)
    }
  }

  @Test func integerDrawsValidateTheirRanges() {
    #expect(
      throws: TensorError(
        .invalidArgument, "random_ expects 'from' to be less than 'to', but got from=5 >= to=5")
    ) {
      try g.randint(low: 5, high: 5, shape: [3])
    }
    #expect(throws: TensorError(.invalidArgument, "randint: from=-1 is out of bounds for uint8")) {
      try g.randint(low: -1, high: 5, shape: [3], dtype: .uint8)
    }
    #expect(
      throws: TensorError(.invalidArgument, "randint: to - 1 = 299 is out of bounds for uint8")
    ) {
      try g.randint(low: 0, high: 300, shape: [3], dtype: .uint8)
    }
    #expect(throws: TensorError.self) { try g.randint(high: 5, shape: [3], dtype: .bool) }
    #expect(
      throws: TensorError(
        .invalidShape, "randperm: trying to create tensor with negative dimension -1: [-1]")
    ) {
      try g.randperm(-1)
    }
    #expect(
      throws: TensorError(
        .invalidArgument, "randperm: n = 300 is too large for result tensor type uint8")
    ) {
      try g.randperm(300, dtype: .uint8)
    }
    #expect(throws: TensorError.self) { try g.rand(shape: [2, -3]) }
  }

  @Test func bernoulliAndDropoutValidateP() {
    let t = Tensor(zeros: [3], dtype: .float32)
    #expect(
      throws: TensorError(.invalidArgument, "bernoulli_ expects p to be in [0, 1], but got p=1.5")
    ) {
      try g.fillBernoulli(t, p: 1.5)
    }
    #expect(
      throws: TensorError(
        .invalidArgument, "dropout probability has to be between 0 and 1, but got 1.5")
    ) {
      try g.dropout(t, p: 1.5)
    }
  }

  @Test func dropoutEdgeProbabilitiesDrawNothing() throws {
    let x = Tensor([1, -2, 3] as [Float])
    let before = g.stateBytes()
    #expect(try g.dropout(x, p: 0).toArray(of: Float.self) == [1, -2, 3])
    #expect(try g.dropout(x, p: 0.5, training: false).toArray(of: Float.self) == [1, -2, 3])
    #expect(try g.dropout(x, p: 1).toArray(of: Float.self).allSatisfy { $0 == 0 })
    #expect(g.stateBytes() == before)
  }

  @Test func kaimingNeedsTwoDimensionsUnlessEmpty() throws {
    let e = #expect(throws: TensorError.self) {
      try g.fillKaimingUniform(Tensor(zeros: [3], dtype: .float32))
    }
    #expect(e?.message.hasPrefix("Fan in and fan out can not be computed") == true)
    let before = g.stateBytes()
    try g.fillKaimingNormal(Tensor(zeros: [0, 4], dtype: .float32))
    #expect(g.stateBytes() == before)
    #expect(try Generator.fanInAndFanOut(shape: [64, 3, 7, 7]) == (fanIn: 147, fanOut: 3136))
    #expect(Generator.calculateGain(.leakyRelu) == (2.0 / (1 + 0.01 * 0.01)).squareRoot())
    #expect(Generator.calculateGain(.tanh) == 5.0 / 3)
  }
}
