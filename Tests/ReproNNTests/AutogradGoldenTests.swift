import Foundation
import ReproTensor
import Testing

@testable import ReproNN

/// Forward outputs, gradients, running stats and dropout masks against real PyTorch.
@Suite(.serialized) struct AutogradGoldenTests {
  /// float32: rtol 1e-5 / atol 1e-6 (the target); under bfloat16 autocast PyTorch's bfloat16
  /// `assert_close` defaults (rtol 1.6e-2, atol 1e-5).
  static func tolerance(_ c: AutogradCase) -> (rtol: Double, atol: Double) {
    c.autocast == nil ? (1e-5, 1e-6) : (1.6e-2, 1e-5)
  }

  /// Runs a case's forward and backward; returns the model, the output, the loss and the
  /// dropout masks seen.
  static func run(_ c: AutogradCase) throws -> (Module, Variable, Variable, [String]) {
    BLAS.setThreadCount(1)
    let g = Generator(seed: c.seed)
    let model = try ModelFactory.make(c.spec, generator: g)
    let data = Generator(seed: c.dataSeed)
    var x = try data.randn(shape: c.inputShape)
    var y =
      c.lossKind == "cross_entropy"
      ? try data.randint(low: 0, high: 4, shape: c.targetShape)
      : try data.randn(shape: c.targetShape)
    let dtype = try #require(DType(pytorchName: c.dtype))
    if dtype != .float32 {
      model.cast(to: dtype)
      x = x.to(dtype)
      if y.dtype.isFloatingPoint { y = y.to(dtype) }
    }
    if c.mode == "eval" { model.eval() }
    if c.mode == "eval_after_train" {
      _ = try GradMode.$isEnabled.withValue(false) { () throws in
        try model(Variable(x))
      }
      model.eval()
    }
    var masks: [String] = []
    let autocast = c.autocast.flatMap { DType(pytorchName: $0) }
    let (out, loss) = try Autocast.$dtype.withValue(autocast) { () throws -> (Variable, Variable) in
      var out = Variable(x)
      if let seq = model as? Sequential {
        // Layer by layer, to see the dropout output.
        for layer in seq.layers {
          out = try layer(out)
          if layer is Dropout {
            masks.append(String(out.value.doubles().map { $0 != 0 ? "1" : "0" }.joined()))
          }
        }
      } else {
        out = try model(out)
      }
      let loss =
        c.lossKind == "cross_entropy"
        ? try Losses.crossEntropyLoss(out, targets: y) : try out.sub(Variable(y)).pow(2).mean()
      return (out, loss)
    }
    try loss.backward()
    return (model, out, loss, masks)
  }

  static func check(_ name: String, _ got: Tensor, _ want: GoldenTensor, rtol: Double, atol: Double)
    -> Closeness?
  {
    #expect(got.shape == want.shape, "\(name): shape")
    #expect(got.dtype.pytorchName == want.dtype, "\(name): dtype")
    if let values = want.values {
      let c = Closeness(got.doubles(), values, rtol: rtol, atol: atol)
      #expect(c.failures == 0, "\(name): \(c)")
      return c
    }
    let d = got.doubles()
    let sum = d.reduce(0, +)
    let absSum = d.reduce(0) { $0 + Swift.abs($1) }
    #expect(
      Swift.abs(absSum - want.absSum) <= 1e-4 * want.absSum + atol,
      "\(name): abs-sum \(absSum) vs \(want.absSum)")
    #expect(
      Swift.abs(sum - want.sum) <= 1e-4 * want.absSum + atol, "\(name): sum \(sum) vs \(want.sum)")
    return nil
  }

  @Test(arguments: try AutogradCase.all())
  func forwardAndGradientsMatchPyTorch(golden c: AutogradCase) throws {
    let (model, out, loss, masks) = try Self.run(c)
    let (rtol, atol) = Self.tolerance(c)
    var worst = Closeness([], [], rtol: rtol, atol: atol)
    func note(_ r: Closeness?) {
      guard let r else { return }
      worst.maxAbs = Swift.max(worst.maxAbs, r.maxAbs)
      worst.maxRel = Swift.max(worst.maxRel, r.maxRel)
      worst.count += r.count
      worst.bitwise = worst.bitwise && r.bitwise
    }
    let outCheck = Self.check("output", out.value, c.output, rtol: rtol, atol: atol)
    note(Self.check("loss", loss.value, c.loss, rtol: rtol, atol: atol))
    var gradWorst = Closeness([], [], rtol: rtol, atol: atol)
    let params = Dictionary(
      uniqueKeysWithValues: model.namedModules().flatMap { path, m in
        m.namedParameters.compactMap { name, p in
          p.map { ((path.isEmpty ? "" : path + ".") + name, $0) }
        }
      })
    for want in c.grads {
      let p = try #require(params[want.key], "no parameter \(want.key)")
      let grad = try #require(p.grad, "\(want.key) has no grad")
      if let r = Self.check("grad \(want.key)", grad, want, rtol: rtol, atol: atol) {
        gradWorst.maxAbs = Swift.max(gradWorst.maxAbs, r.maxAbs)
        gradWorst.maxRel = Swift.max(gradWorst.maxRel, r.maxRel)
        gradWorst.count += r.count
        gradWorst.bitwise = gradWorst.bitwise && r.bitwise
      }
    }
    let sd = model.stateDict()
    for want in c.buffers {
      let b = try #require(sd[want.key], "no buffer \(want.key)")
      if want.dtype == "int64" {
        #expect(b.doubles() == want.values, "\(want.key)")
      } else {
        note(Self.check("buffer \(want.key)", b, want, rtol: rtol, atol: atol))
      }
    }
    #expect(masks == c.dropoutMasks, "dropout keep-masks differ from PyTorch's")
    print(
      "autograd golden \(c.name): output \(outCheck.map(String.init(describing:)) ?? "-"); grads \(gradWorst); loss+buffers \(worst)"
    )
  }
}
