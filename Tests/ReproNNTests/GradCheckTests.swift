import Foundation
import ReproTensor
import Testing

@testable import ReproNN

/// An op under test: float64 inputs and a function of their variables.
struct GradCheckCase: Sendable, CustomTestStringConvertible {
  let name: String
  let shapes: [[Int]]
  /// Positive inputs (for pow 0.5, div denominators).
  var positive = false
  let f: @Sendable ([Variable]) throws -> Variable
  var testDescription: String { name }
}

/// Central finite differences in float64 against the analytic gradient of
/// `loss = Σ f(x) · r` for a fixed random `r` (so every output element is checked).
enum GradCheck {
  static let eps = 1e-6

  /// The worst |analytic − numeric| − (atol + rtol·|numeric|) over all elements (≤ 0 passes),
  /// with atol 1e-6 and rtol 1e-4.
  static func run(
    parameters: [Parameter], evaluate: () throws -> Variable
  ) throws -> (worst: Double, maxAbs: Double, checked: Int) {
    let probe = try evaluate()
    let r = try Generator(seed: UInt64(99)).randn(shape: probe.shape, dtype: .float64)
    func loss() throws -> Variable { try evaluate().mul(Variable(r)).sum() }
    for p in parameters { p.grad = nil }
    try loss().backward()
    var worst = -Double.infinity
    var maxAbs = 0.0
    var checked = 0
    for p in parameters {
      let analytic = try #require(p.grad, "no gradient reached a parameter").doubles()
      let base = p.value.doubles()
      for i in base.indices {
        var v = base
        v[i] = base[i] + eps
        p.value = Tensor(v, shape: p.value.shape)
        let up = try GradMode.$isEnabled.withValue(false) { try loss().value.doubles()[0] }
        v[i] = base[i] - eps
        p.value = Tensor(v, shape: p.value.shape)
        let down = try GradMode.$isEnabled.withValue(false) { try loss().value.doubles()[0] }
        let numeric = (up - down) / (2 * eps)
        let d = Swift.abs(analytic[i] - numeric)
        maxAbs = Swift.max(maxAbs, d)
        worst = Swift.max(worst, d - (1e-6 + 1e-4 * Swift.abs(numeric)))
        checked += 1
      }
      p.value = Tensor(base, shape: p.value.shape)
    }
    return (worst, maxAbs, checked)
  }
}

@Suite struct GradCheckTests {
  static let cases: [GradCheckCase] = [
    GradCheckCase(name: "add broadcast", shapes: [[3, 4], [4]]) { try $0[0] + $0[1] },
    GradCheckCase(name: "sub broadcast", shapes: [[2, 1, 3], [4, 1]]) { try $0[0] - $0[1] },
    GradCheckCase(name: "mul broadcast", shapes: [[3, 4], [3, 1]]) { try $0[0] * $0[1] },
    GradCheckCase(name: "div broadcast", shapes: [[3, 4], [1, 4]], positive: true) {
      try $0[0] / $0[1]
    },
    GradCheckCase(name: "scalar ops", shapes: [[5]]) { try $0[0].mul(3).add(1).div(2).neg() },
    GradCheckCase(name: "pow 2", shapes: [[6]]) { try $0[0].pow(2) },
    GradCheckCase(name: "pow 3", shapes: [[6]]) { try $0[0].pow(3) },
    GradCheckCase(name: "pow 0.5", shapes: [[6]], positive: true) { try $0[0].pow(0.5) },
    GradCheckCase(name: "sum dims", shapes: [[2, 3, 4]]) {
      try $0[0].sum(dims: [0, 2], keepdim: true)
    },
    GradCheckCase(name: "mean all", shapes: [[2, 3, 4]]) { try $0[0].mean() },
    GradCheckCase(name: "mean dim", shapes: [[2, 3, 4]]) { try $0[0].mean(dims: [1]) },
    GradCheckCase(name: "matmul", shapes: [[3, 5], [5, 2]]) { try $0[0].matmul($0[1]) },
    GradCheckCase(name: "linear", shapes: [[4, 5], [3, 5], [3]]) {
      try Variable.linear($0[0], weight: $0[1], bias: $0[2])
    },
    GradCheckCase(name: "linear 3-d input", shapes: [[2, 3, 5], [4, 5], [4]]) {
      try Variable.linear($0[0], weight: $0[1], bias: $0[2])
    },
    GradCheckCase(name: "conv2d", shapes: [[2, 3, 6, 6], [4, 3, 3, 3], [4]]) {
      try Variable.conv2d($0[0], weight: $0[1], bias: $0[2], padding: [1])
    },
    GradCheckCase(
      name: "conv2d stride dilation groups", shapes: [[2, 4, 9, 8], [6, 2, 3, 2], [6]]
    ) {
      try Variable.conv2d(
        $0[0], weight: $0[1], bias: $0[2], stride: [2, 1], padding: [1, 2], dilation: [2, 1],
        groups: 2)
    },
    GradCheckCase(name: "conv2d no bias unbatched", shapes: [[2, 5, 5], [3, 2, 2, 2]]) {
      try Variable.conv2d($0[0], weight: $0[1], stride: [2])
    },
    GradCheckCase(name: "batch norm train", shapes: [[3, 2, 3, 3], [2], [2]]) {
      try Variable.batchNormTraining(
        $0[0], weight: $0[1], bias: $0[2], runningMean: nil, runningVar: nil, momentum: 0.1,
        eps: 1e-5
      ).output
    },
    GradCheckCase(name: "batch norm train no affine", shapes: [[4, 3, 2, 2]]) {
      try Variable.batchNormTraining(
        $0[0], weight: nil, bias: nil, runningMean: nil, runningVar: nil, momentum: 0.1, eps: 1e-5
      ).output
    },
    GradCheckCase(name: "batch norm eval", shapes: [[2, 3, 2, 2], [3], [3]]) {
      try Variable.batchNormInference(
        $0[0], weight: $0[1], bias: $0[2], runningMean: Tensor([0.1, -0.2, 0.3], shape: [3]),
        runningVar: Tensor([0.5, 1.5, 2.0], shape: [3]), eps: 1e-5)
    },
    GradCheckCase(name: "relu", shapes: [[4, 5]]) { try $0[0].relu() },
    GradCheckCase(name: "tanh", shapes: [[4, 5]]) { try $0[0].tanh() },
    GradCheckCase(name: "sigmoid", shapes: [[4, 5]]) { try $0[0].sigmoid() },
    GradCheckCase(name: "max pool", shapes: [[2, 2, 6, 6]]) {
      try $0[0].maxPool2d(kernelSize: [2])
    },
    GradCheckCase(name: "max pool overlap pad dilation", shapes: [[1, 2, 7, 7]]) {
      try $0[0].maxPool2d(kernelSize: [3], stride: [2], padding: [1], dilation: [1])
    },
    GradCheckCase(name: "max pool ceil dilation", shapes: [[1, 1, 8, 7]]) {
      try $0[0].maxPool2d(
        kernelSize: [2, 3], stride: [2], padding: [0], dilation: [2, 1], ceilMode: true)
    },
    GradCheckCase(name: "avg pool", shapes: [[2, 2, 6, 6]]) {
      try $0[0].avgPool2d(kernelSize: [2])
    },
    GradCheckCase(name: "avg pool pad", shapes: [[1, 2, 5, 5]]) {
      try $0[0].avgPool2d(kernelSize: [3], stride: [2], padding: [1])
    },
    GradCheckCase(name: "avg pool pad exclude", shapes: [[1, 2, 5, 5]]) {
      try $0[0].avgPool2d(kernelSize: [3], stride: [2], padding: [1], countIncludePad: false)
    },
    GradCheckCase(name: "adaptive avg pool 3x2", shapes: [[2, 2, 5, 7]]) {
      try $0[0].adaptiveAvgPool2d(outputSize: [3, 2])
    },
    GradCheckCase(name: "adaptive avg pool 1x1", shapes: [[2, 3, 4, 5]]) {
      try $0[0].adaptiveAvgPool2d(outputSize: [1])
    },
    GradCheckCase(name: "flatten", shapes: [[2, 3, 4]]) {
      try $0[0].flattened(startDim: 1).mul($0[0].reshaped([2, 12]))
    },
    GradCheckCase(name: "dropout", shapes: [[4, 6]]) {
      try $0[0].dropout(p: 0.25, training: true, generator: Generator(seed: UInt64(5)))
    },
    GradCheckCase(name: "mse loss", shapes: [[3, 4], [3, 4]]) { try Losses.mseLoss($0[0], $0[1]) },
    GradCheckCase(name: "cross entropy", shapes: [[4, 5]]) {
      try Losses.crossEntropyLoss($0[0], targets: Tensor([Int64(1), 4, -100, 0], shape: [4]))
    },
  ]

  @Test(arguments: cases)
  func opGradientMatchesFiniteDifferences(_ c: GradCheckCase) throws {
    let g = Generator(seed: UInt64(7))
    var params: [Parameter] = []
    for shape in c.shapes {
      var t = try g.randn(shape: shape, dtype: .float64)
      if c.positive { t = try t.abs().add(0.5) }
      params.append(Parameter(t))
    }
    let r = try GradCheck.run(parameters: params) { try c.f(params.map { Variable($0) }) }
    #expect(
      r.worst <= 0, "\(c.name): max |analytic - numeric| = \(r.maxAbs) over \(r.checked) elements")
  }

  /// Layers and models in float64: every parameter's gradient and the input's.
  @Test(arguments: [
    ("Linear(5, 3)", [4, 5]),
    ("Conv2d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)", [2, 4, 7, 7]),
    ("Sequential(BatchNorm2d(3), Tanh())", [4, 3, 3, 3]),
    ("cnn", [2, 3, 8, 8]),
    (
      "Sequential(Conv2d(2, 3, 3), BatchNorm2d(3), Sigmoid(), AvgPool2d(2), Flatten(), Linear(12, 2))",
      [3, 2, 6, 6]
    ),
    ("mlp", [3, 16]),
    ("simple", [2, 10]),
  ])
  func layerGradientMatchesFiniteDifferences(spec: String, inputShape: [Int]) throws {
    let model = try ModelFactory.make(spec, generator: Generator(seed: Int64(3)))
    model.cast(to: .float64)
    let x = Parameter(try Generator(seed: UInt64(4)).randn(shape: inputShape, dtype: .float64))
    let r = try GradCheck.run(parameters: [x] + model.parameters()) { try model(Variable(x)) }
    #expect(
      r.worst <= 0, "\(spec): max |analytic - numeric| = \(r.maxAbs) over \(r.checked) elements")
  }

  @Test func basicBlockGradientMatchesFiniteDifferences() throws {
    let g = Generator(seed: Int64(2))
    let down = Sequential([
      Conv2d(2, 4, kernelSize: (1, 1), stride: (2, 2), bias: false, generator: g), BatchNorm2d(4),
    ])
    let block = BasicBlock(inPlanes: 2, planes: 4, stride: 2, downsample: down, generator: g)
    block.cast(to: .float64)
    let x = Parameter(try g.randn(shape: [2, 2, 6, 6], dtype: .float64))
    let r = try GradCheck.run(parameters: [x] + block.parameters()) { try block(Variable(x)) }
    #expect(
      r.worst <= 0, "BasicBlock: max |analytic - numeric| = \(r.maxAbs) over \(r.checked) elements")
  }
}
