import Foundation
import Testing

@testable import ReproTensor

@Suite struct ReductionTests {
  /// Sums are pairwise, PyTorch's are a vectorised cascade: both are within n·u·Σ|x| of the
  /// exact sum (a loose but rigorous bound for any order), checked per element.
  @Test func sumAndMeanMatchPyTorch() throws {
    let cases = KernelGolden.list("reductions")
    #expect(cases.count == 9)
    for c in cases {
      let x = try #require(KernelGolden.tensor(c["input"]))
      let dims = c["dims"] as? [Int]
      let keep = dims != nil && (c["keepdim"] as? Bool ?? false)
      let wantSum = try #require(KernelGolden.tensor(c["sum"]))
      let wantMean = try #require(KernelGolden.tensor(c["mean"]))
      let s = try x.sum(dims: dims, keepdim: keep)
      let m = try x.mean(dims: dims, keepdim: keep)
      #expect(s.dtype == x.dtype && m.dtype == x.dtype)
      let absSum = try cast(x, to: .float64).abs().sum(dims: dims, keepdim: keep).doubles()
      let n = Double(x.count / Swift.max(1, s.count))
      let unit = x.dtype == .float16 ? 0x1p-11 : 0x1p-24
      expectWithin(
        s, wantSum, bound: { i, e in 2 * n * 0x1p-24 * absSum[i] + unit * Swift.abs(e) },
        "sum \(dims ?? []) \(x.dtype)")
      expectWithin(
        m, wantMean, bound: { i, e in (2 * n * 0x1p-24 * absSum[i]) / n + unit * Swift.abs(e) },
        "mean \(dims ?? []) \(x.dtype)")
    }
  }

  @Test func stridedInputsReduceLikeTheirContiguousCopy() throws {
    let x = try randomTensor([6, 10], seed: 1).transposed(0, 1).slice(dim: 0, step: 3)  // [4, 6]
    for dims in [[0], [1], [0, 1], [-1]] {
      expectBitwise(try x.sum(dims: dims), try x.contiguous().sum(dims: dims), "sum \(dims)")
      expectBitwise(
        try x.mean(dims: dims, keepdim: true), try x.contiguous().mean(dims: dims, keepdim: true),
        "mean \(dims)")
    }
    let e = try Tensor([1, 2, 3] as [Float]).unsqueezed(1).expanded(to: [3, 4])
    #expect(try e.sum(dims: [1]).toArray(of: Float.self) == [4, 8, 12])
  }

  @Test func sumShapesAndDTypes() throws {
    let x = Tensor((0..<24).map { Int32($0) }, shape: [2, 3, 4])
    let s = try x.sum(dims: [0, 2], keepdim: true)
    #expect(s.dtype == .int64)
    #expect(s.shape == [1, 3, 1])
    #expect(s.toArray(of: Int64.self) == [60, 92, 124])
    #expect(try x.sum().toArray(of: Int64.self) == [276])
    #expect(try x.sum().shape == [])
    #expect(try Tensor([true, true, false]).sum().toArray(of: Int64.self) == [2])
    #expect(throws: TensorError.self) { try x.mean() }
    #expect(throws: TensorError.self) { try x.sum(dims: [0, -3]) }
    #expect(throws: TensorError.self) { try x.sum(dims: [3]) }
    #expect(
      try Tensor(zeros: [0, 3], dtype: .float32).sum(dims: [0]).toArray(of: Float.self) == [
        0, 0, 0,
      ])
    #expect(try Tensor(zeros: [0], dtype: .float32).mean().toArray(of: Float.self)[0].isNaN)
  }

  /// Pairwise summation keeps the error far below sequential float32 accumulation.
  @Test func pairwiseSumIsAccurate() throws {
    let n = 1 << 20
    let x = Tensor([Float](repeating: 0.1, count: n))
    let exact = Double(Float(0.1)) * Double(n)
    let got = Double(try x.sum().toArray(of: Float.self)[0])
    #expect(Swift.abs(got - exact) / exact < 1e-6)
  }

  @Test func maxMinArgmaxReturnFirstIndexAndPropagateNaN() throws {
    let x = Tensor([3, 1, 3, 0, 2, 5, 5, -1, 0, 0, 0, 7] as [Float], shape: [3, 4])
    let (v, i) = try x.max(dim: 1)
    #expect(v.toArray(of: Float.self) == [3, 5, 7])
    #expect(i.toArray(of: Int64.self) == [0, 1, 3])
    let (mv, mi) = try x.min(dim: 0, keepdim: true)
    #expect(mv.shape == [1, 4])
    #expect(mv.toArray(of: Float.self) == [0, 0, 0, -1])
    #expect(mi.toArray(of: Int64.self) == [2, 2, 2, 1])
    #expect(try x.argmax().toArray(of: Int64.self) == [11])
    #expect(try x.argmax(dim: 0).toArray(of: Int64.self) == [0, 1, 1, 2])
    #expect(try x.argmin(dim: 1, keepdim: true).shape == [3, 1])
    #expect(try x.max().toArray(of: Float.self) == [7])
    #expect(try x.min().toArray(of: Float.self) == [-1])
    let n = Tensor([1, .nan, 3, .nan] as [Float])
    #expect(try n.max().toArray(of: Float.self)[0].isNaN)
    #expect(try n.argmax().toArray(of: Int64.self) == [1])
    #expect(try n.argmin().toArray(of: Int64.self) == [1])
    #expect(try Tensor([4, -2] as [Int8]).max(dim: 0).values.toArray(of: Int8.self) == [4])
    #expect(throws: TensorError.self) { try Tensor(zeros: [0], dtype: .float32).max() }
    #expect(throws: TensorError.self) { try Tensor(zeros: [2, 0], dtype: .float32).max(dim: 1) }
  }

  @Test(arguments: [DType.float16, .bfloat16])
  func halfReductionsAreRoundedFloat32Reductions(dtype: DType) throws {
    let x = randomTensor([5, 33], dtype, seed: 9)
    let f = cast(x, to: .float32)
    expectBitwise(try x.sum(dims: [1]), cast(try f.sum(dims: [1]), to: dtype), "sum")
    expectBitwise(try x.mean(dims: [0]), cast(try f.mean(dims: [0]), to: dtype), "mean")
    expectBitwise(try x.max(dim: 1).values, cast(try f.max(dim: 1).values, to: dtype), "max")
  }
}
