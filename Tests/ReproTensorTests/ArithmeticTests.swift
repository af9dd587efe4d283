import Foundation
import Testing

@testable import ReproTensor

@Suite struct ArithmeticTests {
  @Test func broadcastErrorUsesPyTorchWording() throws {
    let expected = try #require(KernelGolden.cases["errors"] as? [String: String])[
      "broadcast_2x3_4"]
    do {
      _ = try Tensor(zeros: [2, 3], dtype: .float32) + Tensor(zeros: [4], dtype: .float32)
      Issue.record("no error")
    } catch {
      #expect(error.code == .shapeMismatch)
      #expect(error.message == expected)
    }
  }

  @Test func broadcastAlignsShapesFromTheRight() throws {
    let a = randomTensor([2, 1, 3], seed: 1)
    let b = randomTensor([4, 1], seed: 2)
    let y = try a + b
    #expect(y.shape == [2, 4, 3])
    let av = a.toArray(of: Float.self)
    let bv = b.toArray(of: Float.self)
    let yv = y.toArray(of: Float.self)
    for i in 0..<2 {
      for j in 0..<4 {
        for k in 0..<3 { #expect(yv[(i * 4 + j) * 3 + k] == av[i * 3 + k] + bv[j]) }
      }
    }
  }

  static let ops: [String] = ["add", "sub", "mul", "div", "maximum", "minimum"]

  static func apply(_ op: String, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    switch op {
    case "add": return try a.add(b)
    case "sub": return try a.sub(b)
    case "mul": return try a.mul(b)
    case "div": return try a.div(b)
    case "maximum": return try a.maximum(b)
    default: return try a.minimum(b)
    }
  }

  static func scalarOp(_ op: String, _ x: Float, _ y: Float) -> Float {
    switch op {
    case "add": return x + y
    case "sub": return x - y
    case "mul": return x * y
    case "div": return x / y
    case "maximum": return x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
    default: return x.isNaN || y.isNaN ? .nan : Swift.min(x, y)
    }
  }

  /// Every op on strided views (transposed, stepped slice, expanded) equals the op on their
  /// contiguous copies, and both equal the per-element float32 computation.
  @Test(arguments: ops)
  func stridedOperandsMatchContiguousAndScalarReference(op: String) throws {
    let base = randomTensor([6, 8], seed: 7)
    let other = randomTensor([8, 12], seed: 8)
    let a = try base.transposed(0, 1)  // [8, 6], strides [1, 8]
    let b = try other.slice(dim: 1, start: 1, end: nil, step: 2)  // [8, 6], strides [12, 2]
    let c = try randomTensor([1, 6], seed: 9).expanded(to: [8, 6])  // stride 0 rows
    for (x, y) in [(a, b), (b, a), (a, c), (c, b)] {
      let got = try Self.apply(op, x, y)
      let ref = try Self.apply(op, x.contiguous(), y.contiguous())
      expectBitwise(got, ref, "\(op) strided vs contiguous")
      let xv = x.toArray(of: Float.self)
      let yv = y.toArray(of: Float.self)
      let want = Tensor(zip(xv, yv).map { Self.scalarOp(op, $0, $1) }, shape: x.shape)
      expectBitwise(got, want, "\(op) vs scalar loop")
    }
  }

  /// As PyTorch's TensorIterator, outputs are dense in the inputs' stride order:
  /// `x.t() + x.t()` and `x.t().exp()` have strides (1, 3) like `x.t()`.
  @Test func outputLayoutFollowsInputStrides() throws {
    let t = try randomTensor([2, 3], seed: 1).transposed(0, 1)  // [3, 2], strides [1, 3]
    #expect(try (t + t).strides == [1, 3])
    #expect(try t.exp().strides == [1, 3])
    #expect(try (t + randomTensor([3, 2], seed: 2)).strides == [1, 3])  // first operand decides
    #expect(try (randomTensor([3, 2], seed: 2) + t).strides == [2, 1])
    #expect(try (t + t).toArray(of: Float.self) == t.toArray(of: Float.self).map { $0 + $0 })
  }

  @Test(arguments: ops)
  func float64MatchesDoubleArithmetic(op: String) throws {
    let a = randomTensor([3, 5], .float64, seed: 3)
    let b = randomTensor([5], .float64, seed: 4)
    let got = try Self.apply(op, a, b).toArray(of: Double.self)
    let av = a.toArray(of: Double.self)
    let bv = b.toArray(of: Double.self)
    for i in 0..<3 {
      for j in 0..<5 {
        let x = av[i * 5 + j]
        let y = bv[j]
        let want: Double =
          switch op {
          case "add": x + y
          case "sub": x - y
          case "mul": x * y
          case "div": x / y
          case "maximum": Swift.max(x, y)
          default: Swift.min(x, y)
          }
        #expect(got[i * 5 + j] == want)
      }
    }
  }

  @Test func typePromotionFollowsResultType() throws {
    let i32 = Tensor([1, 2] as [Int32])
    let i64 = Tensor([3, 4] as [Int64])
    #expect(try (i32 + i64).dtype == .int64)
    #expect(try (i32 + 2.5).dtype == .float32)
    #expect(try (i32 + 2.5).toArray(of: Float.self) == [3.5, 4.5])
    #expect(try (i32 / i64).dtype == .float32)
    let h = cast(Tensor([1, 2] as [Float]), to: .float16)
    let bf = cast(Tensor([1, 2] as [Float]), to: .bfloat16)
    #expect(try (h + bf).dtype == .float32)
    #expect(try (h + 0.1).dtype == .float16)
    #expect(try (h + Tensor(scalar: 1.0)).dtype == .float16)  // 0-d tensor of the same category
    #expect(try (i32 + Tensor(scalar: 1.0)).dtype == .float64)  // 0-d of a higher category
    #expect(try (Tensor([1] as [UInt8]) + Tensor([1] as [Int8])).dtype == .int16)
    #expect(try (Tensor([true]) + Tensor([true])).toArray(of: Bool.self) == [true])
    #expect(throws: TensorError.self) { try Tensor([true]) - Tensor([false]) }
    #expect(throws: TensorError.self) { try -Tensor([true]) }
  }

  @Test func integerArithmeticWrapsInTheResultDType() throws {
    let a = Tensor([127, -128] as [Int8])
    let b = Tensor([1, 1] as [Int8])
    #expect(try (a + b).toArray(of: Int8.self) == [-128, -127])
    #expect(try (Tensor([Int64.max]) * 2).toArray(of: Int64.self) == [-2])
  }

  /// float16/bfloat16 and integer-promotion results equal PyTorch's bits (one rounding of the
  /// float32 computation), including wrapped scalars that are not rounded to half first.
  @Test func reducedPrecisionMatchesPyTorchBitwise() throws {
    let cases = KernelGolden.list("elementwise")
    #expect(cases.count >= 10)
    for c in cases {
      let op = try #require(c["op"] as? String)
      let a = try #require(KernelGolden.tensor(c["a"]))
      let want = try #require(KernelGolden.tensor(c["out"]))
      let got: Tensor
      switch op {
      case "add": got = try a + #require(KernelGolden.tensor(c["b"]))
      case "mul": got = try a * #require(KernelGolden.tensor(c["b"]))
      case "div": got = try a / #require(KernelGolden.tensor(c["b"]))
      case "sub_scalar": got = try a - #require(c["scalar"] as? Double)
      case "mul_scalar": got = try a * #require(c["scalar"] as? Double)
      case "sqrt": got = try a.sqrt()
      case "relu": got = try a.relu()
      default: got = try a.pow(2)
      }
      expectBitwise(got, want, "\(op) \(a.dtype)")
    }
  }

  /// Reduced precision = round(float32 computation), for every op and both 16-bit types.
  @Test(arguments: [DType.float16, .bfloat16])
  func halfResultIsRoundedFloat32Result(dtype: DType) throws {
    let a = randomTensor([40], dtype, seed: 5)
    let b = randomTensor([40], dtype, seed: 6)
    let fa = cast(a, to: .float32)
    let fb = cast(b, to: .float32)
    for op in Self.ops {
      expectBitwise(
        try Self.apply(op, a, b), cast(try Self.apply(op, fa, fb), to: dtype), "\(op) \(dtype)")
    }
    expectBitwise(try a.exp(), cast(try fa.exp(), to: dtype), "exp")
    expectBitwise(try a.tanh(), cast(try fa.tanh(), to: dtype), "tanh")
    expectBitwise(try a.sigmoid(), cast(try fa.sigmoid(), to: dtype), "sigmoid")
  }

  @Test func comparisonsGiveBoolAndHandleNaN() throws {
    let a = Tensor([1, .nan, 3, 4] as [Float])
    let b = Tensor([1, 2, 5, 0] as [Float])
    #expect(try a.eq(b).toArray(of: Bool.self) == [true, false, false, false])
    #expect(try a.ne(b).toArray(of: Bool.self) == [false, true, true, true])
    #expect(try a.lt(b).toArray(of: Bool.self) == [false, false, true, false])
    #expect(try a.le(b).toArray(of: Bool.self) == [true, false, true, false])
    #expect(try a.gt(b).toArray(of: Bool.self) == [false, false, false, true])
    #expect(try a.ge(b).toArray(of: Bool.self) == [true, false, false, true])
    #expect(try a.gt(2.5).toArray(of: Bool.self) == [false, false, true, true])
    let col = try Tensor([1, 3] as [Int64]).unsqueezed(1)
    #expect(
      try col.lt(Tensor([2, 2, 4] as [Int64])).toArray(of: Bool.self) == [
        true, true, true, false, false, true,
      ])
  }

  @Test func whereBroadcastsAndPromotes() throws {
    let cond = Tensor([true, false, true])
    let a = try Tensor([1, 2] as [Float]).unsqueezed(1)  // [2, 1]
    let b = Tensor(scalar: Double(-1))  // 0-d float64 does not widen float32
    let y = try Tensor.where(cond, a, b)
    #expect(y.dtype == .float32)
    #expect(y.shape == [2, 3])
    #expect(y.toArray(of: Float.self) == [1, -1, 1, 2, -1, 2])
    #expect(throws: TensorError.self) { try Tensor.where(Tensor([1] as [Float]), a, b) }
  }

  @Test func unaryOpsMatchTheCLibrary() throws {
    let x = try randomTensor([3, 4], seed: 11).transposed(0, 1)
    let v = x.toArray(of: Float.self)
    #expect(try x.exp().toArray(of: Float.self) == v.map { Foundation.exp($0) })
    #expect(try x.abs().log().toArray(of: Float.self) == v.map { Foundation.log(Swift.abs($0)) })
    #expect(try x.abs().sqrt().toArray(of: Float.self) == v.map { Swift.abs($0).squareRoot() })
    #expect(try x.tanh().toArray(of: Float.self) == v.map { Foundation.tanh($0) })
    #expect(try x.sigmoid().toArray(of: Float.self) == v.map { 1 / (1 + Foundation.exp(-$0)) })
    #expect(try x.relu().toArray(of: Float.self) == v.map { $0 > 0 ? $0 : 0 })
    #expect(try x.neg().toArray(of: Float.self) == v.map { -$0 })
    #expect(try Tensor([.nan, -1] as [Float]).relu().toArray(of: Float.self)[0].isNaN)
    #expect(try Tensor([-3, 4] as [Int64]).abs().toArray(of: Int64.self) == [3, 4])
    #expect(try Tensor([1, 4] as [Int32]).sqrt().dtype == .float32)
  }

  @Test func powUsesPyTorchSpecialCases() throws {
    let x = try randomTensor([16], seed: 12).abs()
    let v = x.toArray(of: Float.self)
    #expect(try x.pow(2).toArray(of: Float.self) == v.map { $0 * $0 })
    #expect(try x.pow(3).toArray(of: Float.self) == v.map { $0 * $0 * $0 })
    #expect(try x.pow(0.5).toArray(of: Float.self) == v.map { $0.squareRoot() })
    #expect(try x.pow(-1).toArray(of: Float.self) == v.map { 1 / $0 })
    #expect(try x.pow(1.5).toArray(of: Float.self) == v.map { Foundation.pow($0, 1.5) })
    #expect(try Tensor([2, -3] as [Int64]).pow(3).toArray(of: Int64.self) == [8, -27])
    #expect(try Tensor([4] as [Int64]).pow(0.5).toArray(of: Float.self) == [2])
    #expect(throws: TensorError.self) { try Tensor([2] as [Int64]).pow(-1) }
  }
}
