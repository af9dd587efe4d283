import Foundation
import ReproTensor
import Testing

/// Every case of Golden/pytorch/rng/*.json, bit for bit.
@Suite struct GeneratorGoldenTests {
  @Test func goldenFilesLoad() throws {
    let avx2 = try RNGGolden.avx2.get()
    #expect(avx2.meta.torch.hasPrefix("2.13.0"))
    #expect(["AVX2", "AVX512"].contains(avx2.meta.cpuCapability))
    #expect(avx2.tensors.count > 1000)
    let dflt = try RNGGolden.defaultCapability.get()
    #expect(dflt.meta.cpuCapability == "DEFAULT")
    #expect(dflt.tensors.count > 20)
  }

  @Test(arguments: RNGGolden.avx2Cases)
  func matchesPyTorchAVX2(_ c: RNGGolden.TensorCase) throws {
    try Self.check(c, capability: .avx2)
  }

  @Test(arguments: RNGGolden.defaultCases)
  func matchesPyTorchDefaultCapability(_ c: RNGGolden.TensorCase) throws {
    try Self.check(c, capability: .default)
  }

  static func check(_ c: RNGGolden.TensorCase, capability: Generator.Capability) throws {
    let g = Generator(seed: c.seed, capability: capability)
    let bytes = try run(c, on: g)
    let width = try #require(DType(pytorchName: c.dtype)).elementSize
    if let bits = c.bits {
      let got = RNGGolden.elementBits(bytes, width: c.call == "sequence" ? 8 : width)
      #expect(
        got == bits,
        "first difference at element \(Array(zip(got, bits)).firstIndex { $0 != $1 } ?? min(got.count, bits.count))"
      )
    }
    #expect(SHA256Digest.hex(of: bytes) == c.sha256)
    if let after = c.stateAfter {
      #expect(SHA256Digest.hex(of: g.stateBytes()) == after.sha256)
    }
  }

  static func need<T>(_ value: T?, _ name: String) throws -> T {
    guard let value else {
      throw TensorError(.invalidArgument, "golden case lacks argument \(name)")
    }
    return value
  }

  /// Runs a golden case on `g` and returns the bytes that the golden hashes.
  static func run(_ c: RNGGolden.TensorCase, on g: Generator) throws -> [UInt8] {
    let dtype = try #require(DType(pytorchName: c.dtype))
    let a = c.args
    switch c.call {
    case "rand": return try g.rand(shape: c.shape, dtype: dtype).contiguousBytes()
    case "randn": return try g.randn(shape: c.shape, dtype: dtype).contiguousBytes()
    case "uniform_", "normal_":
      let base: Tensor
      let target: Tensor
      if let lay = a?.layout {
        base = Tensor(zeros: [lay.storageNumel], dtype: dtype)
        target = try Tensor(
          storage: base.storage, dtype: dtype, shape: lay.size, strides: lay.stride,
          storageOffset: lay.offset)
      } else {
        base = Tensor(zeros: c.shape, dtype: dtype)
        target = base
      }
      if c.call == "uniform_" {
        try g.fillUniform(target, from: try need(a?.from, "from"), to: try need(a?.to, "to"))
      } else {
        try g.fillNormal(target, mean: try need(a?.mean, "mean"), std: try need(a?.std, "std"))
      }
      return base.contiguousBytes()
    case "randint":
      return try g.randint(
        low: try need(a?.low, "low"), high: try need(a?.high, "high"), shape: c.shape, dtype: dtype
      ).contiguousBytes()
    case "randperm": return try g.randperm(c.shape[0], dtype: dtype).contiguousBytes()
    case "bernoulli_":
      let t = Tensor(zeros: c.shape, dtype: dtype)
      try g.fillBernoulli(t, p: try need(a?.p, "p"))
      return t.contiguousBytes()
    case "dropout":
      let n = c.shape.reduce(1, *)
      let x: Tensor =
        dtype == .float64
        ? Tensor((1...n).map { Double($0) * 0.25 }, shape: c.shape)
        : Tensor((1...n).map { Float($0) * 0.25 }, shape: c.shape)
      return try g.dropout(x, p: try need(a?.p, "p")).contiguousBytes()
    case "kaiming_uniform_", "kaiming_normal_":
      let w = Tensor(zeros: c.shape, dtype: dtype)
      let mode = try #require(Generator.FanMode(rawValue: a?.mode ?? ""))
      let nl = try #require(Generator.Nonlinearity(rawValue: a?.nonlinearity ?? ""))
      if c.call == "kaiming_uniform_" {
        try g.fillKaimingUniform(w, a: try need(a?.a, "a"), mode: mode, nonlinearity: nl)
      } else {
        try g.fillKaimingNormal(w, a: try need(a?.a, "a"), mode: mode, nonlinearity: nl)
      }
      return w.contiguousBytes()
    case "sequence":
      var values: [Double] = []
      for step in try need(a?.steps, "steps") {
        let d = try #require(DType(pytorchName: step.dtype))
        let t: Tensor
        switch step.call {
        case "randn": t = try g.randn(shape: [step.n], dtype: d)
        case "rand": t = try g.rand(shape: [step.n], dtype: d)
        case "randint": t = try g.randint(low: 0, high: 1000, shape: [step.n], dtype: d)
        case "normal_":
          t = Tensor(zeros: [step.n], dtype: d)
          try g.fillNormal(t, mean: 0.3, std: 1.7)
        default: throw TensorError(.invalidArgument, "unknown sequence step \(step.call)")
        }
        values += t.doubles()
      }
      return values.withUnsafeBytes { Array($0) }
    default:
      throw TensorError(.invalidArgument, "unknown golden call \(c.call)")
    }
  }
}
