import Foundation
import ReproTensor
import Testing

@testable import ReproHarness

/// The typed comparison loops against their definitions, on the assert_close oracle's pairs
/// (Golden/pytorch/comparison): comparing upcast values without copies equals comparing the
/// float64 copies, and blocks of equal bytes that are skipped change no figure.
@Suite("Fast comparison paths")
struct FastComparisonTests {
  static let realFloats: Set<DType> = [.float16, .bfloat16, .float32, .float64]

  /// Pairs of real floating tensors of one shape (any two of the four dtypes).
  static let realPairs: [AssertClosePair] = AssertCloseVectors.all.filter {
    guard let a = DType(pytorchName: $0.actual.dtype), let e = DType(pytorchName: $0.expected.dtype)
    else { return false }
    return realFloats.contains(a) && realFloats.contains(e) && $0.actual.shape == $0.expected.shape
  }

  static func options(_ pair: AssertClosePair) -> ComparisonOptions {
    var o = pair.comparisonOptions
    // float64 copies carry neither the dtypes nor (for a transposed side) the strides.
    o.checkDtype = false
    o.checkStride = false
    return o
  }

  @Test func thereArePairsOfEveryRealDtype() {
    let dtypes = Set(Self.realPairs.compactMap { DType(pytorchName: $0.expected.dtype) })
    #expect(dtypes == Self.realFloats)
  }

  @Test(arguments: realPairs)
  func upcastingWithoutCopiesEqualsComparingFloat64Copies(_ pair: AssertClosePair) throws {
    let (a, e) = try pair.tensors()
    let options = Self.options(pair)
    let direct = TensorComparison.compare(a, e, options: options, upcastingToFloat64: true)
    let copies = TensorComparison.compare(a.to(.float64), e.to(.float64), options: options)
    // Compared as text: NaN figures are equal in print but not under ==.
    #expect(String(describing: direct) == String(describing: copies))
  }

  /// Both sides padded with zeros (three skippable blocks before, one after): the counts and
  /// maxima are those of the pair alone.
  @Test(arguments: realPairs.filter { $0.actual.dtype == $0.expected.dtype })
  func equalBlocksChangeNoFigure(_ pair: AssertClosePair) throws {
    let (a, e) = try pair.tensors()
    let options = Self.options(pair)
    for upcast in [false, true] {
      let alone = TensorComparison.compare(
        Self.flat(a), Self.flat(e), options: options, upcastingToFloat64: upcast)
      let padded = TensorComparison.compare(
        Self.padded(a), Self.padded(e), options: options, upcastingToFloat64: upcast)
      let f = try #require(alone.figures)
      let g = try #require(padded.figures)
      #expect(padded.passed == alone.passed)
      #expect(g.mismatchCount == f.mismatchCount)
      #expect(g.bitwiseMismatchCount == f.bitwiseMismatchCount)
      #expect(g.maxAbsoluteError.bitPattern == f.maxAbsoluteError.bitPattern)
      #expect(g.maxRelativeError.bitPattern == f.maxRelativeError.bitPattern)
      #expect(g.maxULPDistance == f.maxULPDistance)
      #expect(g.greatestAbsoluteMismatch?.bitPattern == f.greatestAbsoluteMismatch?.bitPattern)
    }
  }

  static func flat(_ t: Tensor) -> Tensor {
    tensor(t.contiguousBytes(), t.dtype)
  }

  static func padded(_ t: Tensor) -> Tensor {
    let size = t.dtype.elementSize
    let before = [UInt8](repeating: 0, count: (3 * 4096 + 5) * size)
    let after = [UInt8](repeating: 0, count: 4096 * size)
    return tensor(before + t.contiguousBytes() + after, t.dtype)
  }

  static func tensor(_ bytes: [UInt8], _ dtype: DType) -> Tensor {
    let n = bytes.count / dtype.elementSize
    // Shapes built here are always valid for their byte counts.
    guard
      let t = try? Tensor(
        storage: Storage(bytes: bytes), dtype: dtype, shape: [n], strides: [1])
    else { fatalError("cannot build a \(dtype) tensor of \(n) elements") }
    return t
  }
}

/// The comparison loops' inline float16 conversion against `HalfPrecision` (PyTorch's, bit for
/// bit), on all 65536 bit patterns.
@Suite struct Float16LaneTests {
  @Test func everyFloat16ConvertsAsHalfPrecisionDoes() {
    var differing: [UInt16] = []
    for bits in 0...UInt16.max {
      let a = Float16Lane.float(bits).bitPattern
      let b = HalfPrecision.float(fromFloat16Bits: bits).bitPattern
      if a != b { differing.append(bits) }
    }
    #expect(differing.isEmpty, "\(differing.prefix(8))")
  }
}
