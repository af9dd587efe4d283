import Foundation
import Testing

@testable import ReproTensor

/// Matmul tolerance: for a length-k dot product computed in floating point with unit roundoff
/// u (2^-24 for float32), any summation order satisfies |fl(s) - s| ≤ γ_k · Σ|a_p·b_p| with
/// γ_k = k·u / (1 - k·u) (Higham, Accuracy and Stability, §3.1).
///
/// Two implementations (BLAS with
/// its blocked/FMA order, and the reference loop) therefore differ by at most 2·γ_k·Σ|a_p·b_p|;
/// that is the bound checked per element, computed from |A|·|B| in float64.
@Suite struct MatmulTests {
  static func dotBound(_ a: Tensor, _ b: Tensor, k: Int, unit: Double) throws -> Tensor {
    let absA = cast(try a.abs(), to: .float64)
    let absB = cast(try b.abs(), to: .float64)
    let g = Double(k) * unit / (1 - Double(k) * unit)
    return try absA.matmul(absB).mul(2 * g)
  }

  static func expectMatmulClose(
    _ got: Tensor, _ want: Tensor, _ a: Tensor, _ b: Tensor, _ what: String
  ) throws {
    let k = a.shape.last ?? 1
    let unit = got.dtype == .float64 ? 0x1p-53 : 0x1p-24
    let bound = try dotBound(a, b, k: k, unit: unit).doubles()
    expectWithin(got, want, bound: { i, _ in bound[i] + Double.leastNonzeroMagnitude }, what)
  }

  static func reference(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try ComputeBackend.$current.withValue(.reference) { try a.matmul(b) }
  }

  struct Case: Sendable, CustomStringConvertible {
    let a: [Int], b: [Int], transA: Bool, transB: Bool
    var description: String { "\(a)\(transA ? "ᵀ" : "") @ \(b)\(transB ? "ᵀ" : "")" }
  }

  static let cases: [Case] = [
    Case(a: [1, 1], b: [1, 1], transA: false, transB: false),
    Case(a: [3, 4], b: [4, 5], transA: false, transB: false),
    Case(a: [4, 3], b: [4, 5], transA: true, transB: false),
    Case(a: [3, 4], b: [5, 4], transA: false, transB: true),
    Case(a: [17, 33], b: [65, 17], transA: true, transB: true),
    Case(a: [64, 70], b: [70, 31], transA: false, transB: false),
    Case(a: [2, 5, 7], b: [2, 7, 3], transA: false, transB: false),
    Case(a: [3, 1, 6, 4], b: [5, 4, 2], transA: false, transB: false),
    Case(a: [2, 4, 6], b: [6, 3], transA: false, transB: false),
    Case(a: [2, 6, 4], b: [3, 6], transA: true, transB: true),
    Case(a: [7], b: [7, 2], transA: false, transB: false),
    Case(a: [3, 7], b: [7], transA: false, transB: false),
    Case(a: [9], b: [9], transA: false, transB: false),
    Case(a: [4, 0], b: [0, 3], transA: false, transB: false),
  ]

  static func operand(_ shape: [Int], transposed: Bool, _ dtype: DType, seed: UInt64) throws
    -> Tensor
  {
    guard transposed, shape.count >= 2 else { return randomTensor(shape, dtype, seed: seed) }
    // `shape` is the stored shape; the operand is its transposed view.
    return try randomTensor(shape, dtype, seed: seed).transposed(-1, -2)
  }

  @Test(arguments: cases, [DType.float32, .float64])
  func blasMatchesReferenceKernel(c: Case, dtype: DType) throws {
    let a = try Self.operand(c.a, transposed: c.transA, dtype, seed: 1)
    let b = try Self.operand(c.b, transposed: c.transB, dtype, seed: 2)
    let got = try a.matmul(b)
    let want = try Self.reference(a, b)
    #expect(got.dtype == dtype)
    try Self.expectMatmulClose(got, want, a, b, c.description)
  }

  @Test func nonUnitStridesAndExpandedOperandsAreCopiedCorrectly() throws {
    let big = randomTensor([10, 12], seed: 3)
    let a = try big.slice(dim: 0, step: 2).slice(dim: 1, step: 3)  // [5, 4], strides [24, 3]
    let b = try randomTensor([4, 1], seed: 4).expanded(to: [4, 6])  // stride 0 columns
    let got = try a.matmul(b)
    let want = try Self.reference(a.contiguous(), b.contiguous())
    try Self.expectMatmulClose(got, want, a, b, "strided")
    // The reference backend itself against a textbook float64 loop.
    let av = a.doubles()
    let bv = b.doubles()
    var loop = [Double](repeating: 0, count: 30)
    for i in 0..<5 {
      for j in 0..<6 { for p in 0..<4 { loop[i * 6 + j] += av[i * 4 + p] * bv[p * 6 + j] } }
    }
    try Self.expectMatmulClose(
      want, Tensor(loop, shape: [5, 6]), a, b, "reference vs float64 loop")
  }

  @Test func matchesPyTorchMatmulAndLinear() throws {
    let cases = KernelGolden.list("matmul")
    #expect(cases.count == 12)
    for c in cases {
      let a = try #require(KernelGolden.tensor(c["a"]))
      let b = try #require(KernelGolden.tensor(c["b"]))
      let want = try #require(KernelGolden.tensor(c["out"]))
      for backend in ComputeBackend.allCases {
        let got = try ComputeBackend.$current.withValue(backend) { try a.matmul(b) }
        #expect(got.dtype == want.dtype)
        let a2 = a.rank == 1 ? try a.unsqueezed(0) : a
        let b2 = b.rank == 1 ? try b.unsqueezed(1) : b
        let bound = try Self.dotBound(
          a2, b2, k: a.shape.last!, unit: a.dtype == .float64 ? 0x1p-53 : 0x1p-24
        ).reshaped(want.shape).doubles()
        expectWithin(got, want, bound: { i, _ in bound[i] }, "\(a.shape)@\(b.shape) \(backend)")
      }
    }
    for c in KernelGolden.list("linear") {
      let x = try #require(KernelGolden.tensor(c["input"]))
      let w = try #require(KernelGolden.tensor(c["weight"]))
      let bias = try #require(KernelGolden.tensor(c["bias"]))
      let want = try #require(KernelGolden.tensor(c["out"]))
      let got = try Tensor.linear(x, weight: w, bias: bias)
      expectClose(
        got, want, rtol: x.dtype == .float64 ? 1e-12 : 1e-5,
        atol: x.dtype == .float64 ? 1e-12 : 1e-5, "linear")
    }
  }

  @Test(arguments: [DType.float16, .bfloat16])
  func halfMatmulIsRoundedFloat32Matmul(dtype: DType) throws {
    let a = try randomTensor([6, 5], dtype, seed: 5).transposed(0, 1)
    let b = randomTensor([6, 7], dtype, seed: 6)
    let got = try a.matmul(b)
    let want = cast(try cast(a, to: .float32).matmul(cast(b, to: .float32)), to: dtype)
    expectBitwise(got, want, "\(dtype) matmul")
  }

  @Test func integerMatmulIsExact() throws {
    let a = Tensor([1, 2, 3, 4, 5, 6] as [Int64], shape: [2, 3])
    let b = Tensor([7, 8, 9, 10, 11, 12] as [Int64], shape: [3, 2])
    #expect(try a.matmul(b).toArray(of: Int64.self) == [58, 64, 139, 154])
  }

  @Test func errorsNameTheShapes() throws {
    let expected = try #require(KernelGolden.cases["errors"] as? [String: String])["mm_2x3_4x5"]
    #expect(throws: TensorError(.shapeMismatch, expected ?? "")) {
      try Tensor(zeros: [2, 3], dtype: .float32).matmul(Tensor(zeros: [4, 5], dtype: .float32))
    }
    #expect(throws: TensorError.self) {
      try Tensor(zeros: [2, 3], dtype: .float32).matmul(Tensor(zeros: [3, 5], dtype: .float64))
    }
    #expect(throws: TensorError.self) {
      try Tensor(scalar: Float(1)).matmul(Tensor(zeros: [1], dtype: .float32))
    }
  }

  @Test func threadCountRoundTrips() {
    let before = BLAS.threadCount
    BLAS.setThreadCount(1)
    #expect(BLAS.threadCount == 1)
    BLAS.setThreadCount(before)
    #expect(BLAS.threadCount == before)
  }

  @Test func blasLayoutAcceptsOnlyUnitStrideViews() {
    #expect(Tensor.blasLayout(rows: 3, cols: 4, rowStride: 4, colStride: 1)! == (false, 4))
    #expect(Tensor.blasLayout(rows: 3, cols: 4, rowStride: 1, colStride: 3)! == (true, 3))
    #expect(Tensor.blasLayout(rows: 3, cols: 4, rowStride: 8, colStride: 2) == nil)
    #expect(Tensor.blasLayout(rows: 3, cols: 4, rowStride: 0, colStride: 1) == nil)
    #expect(Tensor.blasLayout(rows: 1, cols: 4, rowStride: 0, colStride: 1)! == (false, 4))
  }
}
