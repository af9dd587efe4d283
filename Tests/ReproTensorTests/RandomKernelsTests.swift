import Testing

@testable import ReproTensor

/// The two builds of the generator's C kernels (`RandomKernels`): the portable scalar build must
/// reproduce the same PyTorch vectors as the AVX2+FMA build that `GeneratorGoldenTests` runs on
/// a CPU with AVX2 and FMA, and the two builds must agree lane by lane.
@Suite struct RandomKernelsTests {
  /// The golden cases whose values go through the C kernels (MT19937's twist and tempering,
  /// Box-Muller blocks, `uniform_`'s fused multiply-add).
  static let kernelCases = RNGGolden.avx2Cases.filter {
    [
      "rand", "randn", "normal_", "uniform_", "kaiming_normal_", "kaiming_uniform_", "sequence",
      "randint", "randperm",
    ].contains($0.call)
  }

  @Test func kernelCasesCoverEveryFloatDType() {
    let dtypes = Set(Self.kernelCases.map(\.dtype))
    #expect(dtypes.isSuperset(of: ["float32", "float64", "float16", "bfloat16"]))
    #expect(Self.kernelCases.contains { $0.call == "normal_" && $0.shape == [4111] })
  }

  @Test(arguments: kernelCases)
  func scalarBuildMatchesPyTorch(_ c: RNGGolden.TensorCase) throws {
    try RandomKernels.$build.withValue(.scalar) {
      try GeneratorGoldenTests.check(c, capability: .avx2)
    }
  }

  /// Every 61st float32 uniform as a radius input and as an angle input (275,000 lanes each
  /// way), both builds, two (mean, std) pairs.
  @Test(.enabled(if: RandomKernels.hasAVX2FMA))
  func avx2AndScalarBuildsAgreeOnFloat32Lanes() {
    let lanes = (1 << 24) / 61 / 8 * 8
    let blocks = lanes / 8
    var input = [Float](repeating: 0, count: 16 * blocks)
    for lane in 0..<lanes {
      let k = UInt32(lane * 61)
      let other = UInt32(truncatingIfNeeded: UInt64(k) &* 2_654_435_761) & 0xFF_FFFF
      input[16 * (lane / 8) + lane % 8] = Float(k) * 0x1p-24
      input[16 * (lane / 8) + lane % 8 + 8] = Float(other) * 0x1p-24
    }
    for swapped in [false, true] {
      if swapped {
        for b in 0..<blocks {
          for j in 0..<8 { input.swapAt(16 * b + j, 16 * b + j + 8) }
        }
      }
      for (mean, std): (Float, Float) in [(0, 1), (0.3, 1.7)] {
        var fast = [Float](repeating: 0, count: input.count)
        var scalar = fast
        input.withUnsafeBufferPointer { i in
          fast.withUnsafeMutableBufferPointer { o in
            RandomKernels.normalBlocks(
              i.start, o.start, blocks: blocks, mean: mean, std: std, capability: .avx2)
          }
          RandomKernels.$build.withValue(.scalar) {
            scalar.withUnsafeMutableBufferPointer { o in
              RandomKernels.normalBlocks(
                i.start, o.start, blocks: blocks, mean: mean, std: std, capability: .avx2)
            }
          }
        }
        let mismatch = fast.indices.first { fast[$0].bitPattern != scalar[$0].bitPattern }
        #expect(mismatch == nil, "swapped \(swapped), mean \(mean), std \(std)")
      }
    }
  }
}
