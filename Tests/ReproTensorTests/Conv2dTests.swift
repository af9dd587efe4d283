import Foundation
import Testing

@testable import ReproTensor

/// im2col + gemm against the direct loop, and both against PyTorch.
///
/// Tolerance: each output is a
/// dot product of length Cin/groups·kh·kw (plus the bias, added last by both), so the bound is
/// 2·γ_k·(Σ|x·w| + |bias|) as in MatmulTests, computed by running the direct kernel on |x| and |w|.
@Suite struct Conv2dTests {
  struct Spec: Sendable, CustomStringConvertible {
    var n = 1, cin = 1, h = 5, w = 5, cout = 1, kh = 3, kw = 3
    var stride = [1], padding = [0], dilation = [1], groups = 1, bias = false
    var description: String {
      "n\(n) c\(cin)→\(cout) \(h)x\(w) k\(kh)x\(kw) s\(stride) p\(padding) d\(dilation) g\(groups)\(bias ? " bias" : "")"
    }
  }

  static let specs: [Spec] = [
    Spec(),
    Spec(n: 2, cin: 3, h: 8, w: 7, cout: 4, bias: true),
    Spec(
      n: 1, cin: 2, h: 9, w: 9, cout: 3, kh: 3, kw: 2, stride: [2, 1], padding: [1, 2], bias: true),
    Spec(
      n: 2, cin: 4, h: 11, w: 10, cout: 6, stride: [2], padding: [2], dilation: [2, 3], groups: 2,
      bias: true),
    Spec(n: 1, cin: 6, h: 6, w: 6, cout: 6, padding: [1], groups: 6),
    Spec(n: 3, cin: 8, h: 4, w: 4, cout: 16, kh: 1, kw: 1, bias: true),
    Spec(n: 1, cin: 3, h: 3, w: 3, cout: 2, kh: 3, kw: 3),
  ]

  static func bounded(
    _ got: Tensor, _ want: Tensor, x: Tensor, w: Tensor, b: Tensor?, s: Spec, _ what: String
  ) throws {
    let k = (s.cin / s.groups) * s.kh * s.kw
    let unit = got.dtype == .float64 ? 0x1p-53 : 0x1p-24
    let g = Double(k + 1) * unit / (1 - Double(k + 1) * unit)
    let absOut = try ComputeBackend.$current.withValue(.reference) {
      try Tensor.conv2d(
        cast(x.abs(), to: .float64), weight: cast(w.abs(), to: .float64),
        bias: b.map { cast(try $0.abs(), to: .float64) },
        stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups)
    }
    let bound = absOut.doubles().map { 2 * g * $0 }
    expectWithin(got, want, bound: { i, _ in bound[i] }, what)
  }

  @Test(arguments: specs, [DType.float32, .float64])
  func im2colMatchesDirectKernel(s: Spec, dtype: DType) throws {
    let x = randomTensor([s.n, s.cin, s.h, s.w], dtype, seed: 1)
    let w = randomTensor([s.cout, s.cin / s.groups, s.kh, s.kw], dtype, seed: 2)
    let b = s.bias ? randomTensor([s.cout], dtype, seed: 3) : nil
    func run(_ backend: ComputeBackend) throws -> Tensor {
      try ComputeBackend.$current.withValue(backend) {
        try Tensor.conv2d(
          x, weight: w, bias: b, stride: s.stride, padding: s.padding, dilation: s.dilation,
          groups: s.groups)
      }
    }
    let got = try run(.blas)
    let want = try run(.reference)
    try Self.bounded(got, want, x: x, w: w, b: b, s: s, s.description)
  }

  @Test func stridedInputIsHandled() throws {
    let x = try randomTensor([1, 2, 6, 5], seed: 4).transposed(2, 3)  // [1, 2, 5, 6]
    let w = randomTensor([3, 2, 2, 2], seed: 5)
    let got = try Tensor.conv2d(x, weight: w, padding: [1])
    let want = try Tensor.conv2d(x.contiguous(), weight: w, padding: [1])
    expectBitwise(got, want, "transposed input")
    let unbatched = try Tensor.conv2d(x.squeezed(0), weight: w, padding: [1])
    expectBitwise(unbatched, try want.squeezed(0), "unbatched input")
  }

  @Test func matchesPyTorchConv2d() throws {
    let cases = KernelGolden.list("conv2d")
    #expect(cases.count == 8)
    for c in cases {
      let x = try #require(KernelGolden.tensor(c["input"]))
      let w = try #require(KernelGolden.tensor(c["weight"]))
      let b = KernelGolden.tensor(c["bias"])
      let want = try #require(KernelGolden.tensor(c["out"]))
      let s = Spec(
        n: x.shape[0], cin: x.shape[1], h: x.shape[2], w: x.shape[3], cout: w.shape[0],
        kh: w.shape[2], kw: w.shape[3],
        stride: c["stride"] as? [Int] ?? [1], padding: c["padding"] as? [Int] ?? [0],
        dilation: c["dilation"] as? [Int] ?? [1],
        groups: c["groups"] as? Int ?? 1, bias: b != nil)
      for backend in ComputeBackend.allCases {
        let got = try ComputeBackend.$current.withValue(backend) {
          try Tensor.conv2d(
            x, weight: w, bias: b, stride: s.stride, padding: s.padding, dilation: s.dilation,
            groups: s.groups)
        }
        try Self.bounded(got, want, x: x, w: w, b: b, s: s, "\(s) \(x.dtype) \(backend)")
      }
    }
  }

  @Test(arguments: [DType.float16, .bfloat16])
  func halfConvIsRoundedFloat32Conv(dtype: DType) throws {
    let x = randomTensor([2, 3, 6, 6], dtype, seed: 6)
    let w = randomTensor([4, 3, 3, 3], dtype, seed: 7)
    let b = randomTensor([4], dtype, seed: 8)
    let got = try Tensor.conv2d(x, weight: w, bias: b, padding: [1])
    let want = try Tensor.conv2d(
      cast(x, to: .float32), weight: cast(w, to: .float32), bias: cast(b, to: .float32),
      padding: [1])
    expectBitwise(got, cast(want, to: dtype), "\(dtype) conv")
  }

  @Test func channelMismatchUsesPyTorchMessage() {
    #expect(
      throws: TensorError(
        .shapeMismatch,
        "Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead"
      )
    ) {
      try Tensor.conv2d(
        Tensor(zeros: [1, 4, 5, 5], dtype: .float32),
        weight: Tensor(zeros: [8, 3, 3, 3], dtype: .float32))
    }
    #expect(throws: TensorError.self) {
      try Tensor.conv2d(
        Tensor(zeros: [1, 1, 2, 2], dtype: .float32),
        weight: Tensor(zeros: [1, 1, 3, 3], dtype: .float32))
    }
  }

  /// Pooling is computed in the same order as PyTorch's CPU kernels, so float32 and bfloat16
  /// results are bitwise equal.
  @Test func poolingMatchesPyTorchBitwise() throws {
    for c in KernelGolden.list("max_pool2d") {
      let x = try #require(KernelGolden.tensor(c["input"]))
      let want = try #require(KernelGolden.tensor(c["out"]))
      let a = try #require(c["args"] as? [String: Any])
      let got = try x.maxPool2d(
        kernelSize: a["kernel_size"] as? [Int] ?? [], stride: a["stride"] as? [Int],
        padding: a["padding"] as? [Int] ?? [0],
        dilation: a["dilation"] as? [Int] ?? [1], ceilMode: a["ceil_mode"] as? Bool ?? false)
      expectBitwise(got, want, "max_pool2d \(a) \(x.dtype)")
    }
    for c in KernelGolden.list("avg_pool2d") {
      let x = try #require(KernelGolden.tensor(c["input"]))
      let want = try #require(KernelGolden.tensor(c["out"]))
      let a = try #require(c["args"] as? [String: Any])
      let got = try x.avgPool2d(
        kernelSize: a["kernel_size"] as? [Int] ?? [], stride: a["stride"] as? [Int],
        padding: a["padding"] as? [Int] ?? [0],
        ceilMode: a["ceil_mode"] as? Bool ?? false,
        countIncludePad: a["count_include_pad"] as? Bool ?? true,
        divisorOverride: a["divisor_override"] as? Int)
      expectBitwise(got, want, "avg_pool2d \(a) \(x.dtype)")
    }
    let adaptive = KernelGolden.list("adaptive_avg_pool2d")
    #expect(adaptive.count == 10)
    for c in adaptive {
      let x = try #require(KernelGolden.tensor(c["input"]))
      let want = try #require(KernelGolden.tensor(c["out"]))
      let size = try #require(c["output_size"] as? [Int])
      let got = try x.adaptiveAvgPool2d(outputSize: size)
      if size == [1] {
        // The global average is a mean (pairwise sum here, cascade sum in PyTorch): 63 terms.
        expectClose(
          got, want, rtol: x.dtype == .bfloat16 ? 0x1p-8 : 1e-6, atol: 1e-6,
          "global average \(x.dtype)")
      } else {
        expectBitwise(got, want, "adaptive_avg_pool2d \(size) \(x.dtype)")
      }
    }
  }

  @Test func adaptiveRangesFollowPyTorchFormula() {
    // in = 7, out = 3: [0, 3), [2, 5), [4, 7)
    #expect(
      (0..<3).map { Tensor.adaptiveRange($0, inSize: 7, outSize: 3) }.map { [$0.0, $0.1] } == [
        [0, 3], [2, 5], [4, 7],
      ])
    #expect(
      Tensor.poolOutputSize(7, kernel: 2, pad: 0, stride: 2, dilation: 1, ceilMode: true) == 4)
    #expect(
      Tensor.poolOutputSize(7, kernel: 2, pad: 0, stride: 2, dilation: 1, ceilMode: false) == 3)
  }
}
