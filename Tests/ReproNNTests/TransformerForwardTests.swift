import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One forward + backward recorded by Scripts/make_transformer_goldens.py.
struct TransformerForwardCase: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let spec: String
  let seed: Int64
  let dtype: String
  let kind: String
  let file: String

  var testDescription: String { "\(name): \(spec) \(dtype)" }

  static let folder = Repository.golden("pytorch/transformer/forward")

  static func all() throws -> [TransformerForwardCase] {
    struct Manifest: Decodable { let cases: [TransformerForwardCase] }
    return try TestJSON.decode(Manifest.self, from: folder.appendingPathComponent("manifest.json"))
      .cases
  }
}

/// The transformer layers' and GPT's forward and gradients agree with PyTorch 2.13's CPU
/// forward/backward within `assert_close`'s defaults (float32 rtol 1.3e-6 / atol 1e-5, float64
/// 1e-7 / 1e-7).
@Suite struct TransformerForwardTests {
  /// The largest `|a − b| − (atol + rtol·|b|)` (≤ 0 passes) and the largest `|a − b|`.
  static func excess(_ a: Tensor, _ b: Tensor, dtype: DType) -> (excess: Double, maxAbs: Double) {
    let (rtol, atol) = dtype == .float64 ? (1e-7, 1e-7) : (1.3e-6, 1e-5)
    let (x, y) = (a.contiguous().doubles(), b.contiguous().doubles())
    var worst = -Double.infinity
    var maxAbs = 0.0
    for (p, q) in zip(x, y) {
      let d = abs(p - q)
      maxAbs = max(maxAbs, d)
      worst = max(worst, d - (atol + rtol * abs(q)))
    }
    return (x.count == y.count ? worst : .infinity, maxAbs)
  }

  @Test(arguments: try TransformerForwardCase.all())
  func forwardAndGradientsMatchPyTorch(c: TransformerForwardCase) throws {
    BLAS.setThreadCount(1)
    let golden = try Checkpoint.load(
      contentsOf: TransformerForwardCase.folder.appendingPathComponent(c.file), policy: .trusted
    ).root
    func tensor(_ key: String) throws -> Tensor { try #require(golden[key]?.tensor, "\(key)") }
    let dtype = try #require(DType(pytorchName: c.dtype))
    let model = try ModelFactory.make(c.spec, generator: Generator(seed: c.seed))
    model.cast(to: dtype)
    let input = try tensor("input")
    let x = Parameter(input, requiresGrad: input.dtype.isFloatingPoint)
    let out: Variable
    if let decoder = model as? TransformerDecoderLayer {
      out = try decoder.forward(
        Variable(x), memory: Variable(try tensor("memory")), tgtIsCausal: true)
    } else {
      out = try model(Variable(x))
    }
    let want = try tensor("output")
    #expect(out.shape == want.shape)
    let fwd = Self.excess(out.value, want, dtype: dtype)
    #expect(fwd.excess <= 0, "output: max abs difference \(fwd.maxAbs)")
    try out.mul(Variable(try tensor("r"))).sum().backward()
    var checked = 0
    for pair in try #require(golden.pairs) {
      guard let name = pair.key.string, name.hasPrefix("grad."), let g = pair.value.tensor else {
        continue
      }
      let path = String(name.dropFirst(5))
      let ours: Tensor?
      if path == "input" {
        ours = x.grad
      } else {
        ours = model.stateDict().entries.first { $0.key == path }.flatMap { entry in
          model.parameters().first { $0.value.storage === entry.tensor.storage }?.grad
        }
      }
      let grad = try #require(ours, "no gradient for \(path)")
      let e = Self.excess(grad, g, dtype: dtype)
      #expect(e.excess <= 0, "grad of \(path): max abs difference \(e.maxAbs)")
      checked += 1
    }
    #expect(checked >= 1)
  }
}
