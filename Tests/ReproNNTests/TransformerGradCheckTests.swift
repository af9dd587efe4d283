import Foundation
import ReproTensor
import Testing

@testable import ReproNN

/// Reverse-mode gradients of the transformer ops and layers against central finite differences
/// in float64 (`GradCheck`: atol 1e-6, rtol 1e-4 on every element).
@Suite struct TransformerGradCheckTests {
  static let cases: [GradCheckCase] = [
    GradCheckCase(name: "softmax last dim", shapes: [[3, 5]]) { try $0[0].softmax(dim: -1) },
    GradCheckCase(name: "softmax dim 0", shapes: [[4, 2, 3]]) { try $0[0].softmax(dim: 0) },
    GradCheckCase(name: "gelu exact", shapes: [[4, 5]]) { try $0[0].gelu() },
    GradCheckCase(name: "gelu tanh", shapes: [[4, 5]]) { try $0[0].gelu(approximate: .tanh) },
    GradCheckCase(name: "layer norm affine", shapes: [[2, 3, 6], [6], [6]]) {
      try $0[0].layerNorm(normalizedCount: 1, weight: $0[1], bias: $0[2], eps: 1e-5)
    },
    GradCheckCase(name: "layer norm 2 dims no affine", shapes: [[3, 2, 4]]) {
      try $0[0].layerNorm(normalizedCount: 2, weight: nil, bias: nil, eps: 1e-5)
    },
    GradCheckCase(name: "batched matmul", shapes: [[2, 3, 4], [2, 4, 5]]) {
      try $0[0].batchedMatmul($0[1])
    },
    GradCheckCase(name: "transpose and slice", shapes: [[2, 6, 3]]) {
      try $0[0].sliced(dim: 1, start: 2, end: 5).transposed(0, 2)
    },
    GradCheckCase(name: "embedding with repeated rows", shapes: [[5, 3]]) {
      try Variable.embedding(Tensor([Int64(1), 4, 2, 1, 0, 2], shape: [2, 3]), weight: $0[0])
    },
    GradCheckCase(name: "causal attention", shapes: [[2, 4, 3], [2, 4, 3], [2, 4, 3]]) {
      try Variable.scaledDotProductAttention($0[0], $0[1], $0[2], isCausal: true)
    },
    GradCheckCase(name: "cross entropy over (B·T, vocab)", shapes: [[2, 3, 7]]) {
      try Losses.crossEntropyLoss(
        $0[0].reshaped([6, 7]), targets: Tensor([Int64(0), 6, 3, 3, 1, 5], shape: [6]))
    },
  ]

  @Test(arguments: cases)
  func opGradientMatchesFiniteDifferences(_ c: GradCheckCase) throws {
    let g = Generator(seed: UInt64(7))
    let params = try c.shapes.map { Parameter(try g.randn(shape: $0, dtype: .float64)) }
    let r = try GradCheck.run(parameters: params) { try c.f(params.map { Variable($0) }) }
    #expect(
      r.worst <= 0, "\(c.name): max |analytic - numeric| = \(r.maxAbs) over \(r.checked) elements")
  }

  /// Every parameter's gradient and the input's, float64, dropout 0.
  @Test(arguments: [
    ("LayerNorm(6)", [2, 3, 6]),
    ("Sequential(Linear(4, 6), GELU(), Linear(6, 5), Softmax(dim=-1))", [3, 4]),
    ("MultiheadAttention(6, 2)", [4, 2, 6]),
    ("MultiheadAttention(6, 3, batch_first=True)", [2, 3, 6]),
    ("TransformerEncoderLayer(6, 2, dim_feedforward=8, dropout=0.0)", [3, 2, 6]),
    (
      "TransformerEncoderLayer(6, 3, 8, 0.0, 'gelu', batch_first=True, norm_first=True)",
      [2, 3, 6]
    ),
  ])
  func layerGradientMatchesFiniteDifferences(spec: String, inputShape: [Int]) throws {
    let model = try ModelFactory.make(spec, generator: Generator(seed: Int64(3)))
    model.cast(to: .float64)
    let x = Parameter(try Generator(seed: UInt64(4)).randn(shape: inputShape, dtype: .float64))
    let r = try GradCheck.run(parameters: [x] + model.parameters()) { try model(Variable(x)) }
    #expect(
      r.worst <= 0, "\(spec): max |analytic - numeric| = \(r.maxAbs) over \(r.checked) elements")
  }

  @Test func gptGradientMatchesFiniteDifferencesThroughTheTiedWeight() throws {
    let model = try ModelFactory.make("gpt(7, 4, 1, 2, 4)", generator: Generator(seed: Int64(5)))
    model.cast(to: .float64)
    let ids = Tensor([Int64(1), 6, 0, 3, 2, 2, 5, 4], shape: [2, 4])
    let r = try GradCheck.run(parameters: model.parameters()) { try model(Variable(ids)) }
    #expect(r.worst <= 0, "gpt: max |analytic - numeric| = \(r.maxAbs) over \(r.checked) elements")
  }

  /// PyTorch's `padding_idx` row gets no gradient even where it is picked.
  @Test func embeddingPaddingRowGetsNoGradient() throws {
    let weight = Parameter(try Generator(seed: UInt64(1)).randn(shape: [4, 2], dtype: .float64))
    let ids = Tensor([Int64(3), 1, 3, 0], shape: [4])
    try Variable.embedding(ids, weight: Variable(weight), paddingIdx: 3).sum().backward()
    #expect(try #require(weight.grad).doubles() == [1, 1, 1, 1, 0, 0, 0, 0])
  }

  @Test func decoderLayerGradientMatchesFiniteDifferences() throws {
    let layer = TransformerDecoderLayer(
      4, 2, dimFeedforward: 6, dropout: 0, generator: Generator(seed: UInt64(8)))
    layer.cast(to: .float64)
    let g = Generator(seed: UInt64(9))
    let tgt = Parameter(try g.randn(shape: [3, 2, 4], dtype: .float64))
    let memory = Parameter(try g.randn(shape: [5, 2, 4], dtype: .float64))
    let r = try GradCheck.run(parameters: [tgt, memory] + layer.parameters()) {
      try layer.forward(Variable(tgt), memory: Variable(memory), tgtIsCausal: true)
    }
    #expect(r.worst <= 0, "decoder: max |analytic - numeric| = \(r.maxAbs) over \(r.checked)")
  }
}
