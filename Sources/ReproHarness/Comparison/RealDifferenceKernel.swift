import Foundation
import ReproTensor

/// The element loops of `ElementwiseDifference` for real floating-point tensors, typed per
/// dtype (no per-element dispatch or allocation), with a byte-equality fast path.
///
/// Each element goes through the arithmetic `ElementwiseDifference` documents, in row-major
/// order, and is accumulated as its `record` does. Blocks of `blockSize` elements whose bytes
/// are equal on both sides (`memcmp`) and hold only finite values are skipped once the first
/// element has set the running maxima: such an element matches with a difference of 0, which
/// changes no figure.
struct RealDifferenceKernel {
  /// Elements per block for the byte-equality check.
  static let blockSize = 4096

  var count = 0
  var mismatchCount = 0
  var bitwiseMismatchCount = 0
  var firstBitwiseMismatch: Int?
  var firstMismatch: Int?
  var greatestAbsolute: Double = 0
  var greatestAbsoluteIndex = 0
  var greatestRelative: Double = 0
  var greatestRelativeIndex = 0
  var maxAbsolute: Double = 0
  var maxAbsoluteIndex: Int?
  var maxRelative: Double = 0
  var maxULP: UInt64 = 0
  var maxULPIndex: Int?
  /// With a limit, an element that is not equal still matches when it lies at most this many
  /// ULPs from the expected one (`--max-ulp`); NaN against a number never matches.
  var ulpLimit: UInt64?

  /// Whether a block of equal bytes may be skipped (the first element has set every maximum).
  private var canSkipEqualBlocks: Bool { maxAbsoluteIndex != nil && maxULPIndex != nil }

  // MARK: - Accumulation (ElementwiseDifference.record, for real differences)

  @inline(__always)
  private mutating func record(
    index i: Int, matches equal: Bool, absolute: Double, relative: Double, bothNaN: Bool,
    ulp: UInt64?
  ) {
    var matches = equal
    if let ulpLimit, !matches, !bothNaN, let ulp { matches = ulp <= ulpLimit }
    if !matches {
      mismatchCount &+= 1
      if firstMismatch == nil { firstMismatch = i }
    }
    let maskedAbsolute = matches ? 0 : absolute
    let maskedRelative = matches ? 0 : relative
    if i == 0 || Self.isGreater(maskedAbsolute, than: greatestAbsolute) {
      greatestAbsolute = maskedAbsolute
      greatestAbsoluteIndex = i
    }
    if i == 0 || Self.isGreater(maskedRelative, than: greatestRelative) {
      greatestRelative = maskedRelative
      greatestRelativeIndex = i
    }
    if !bothNaN {
      if maxAbsoluteIndex == nil || Self.isGreater(absolute, than: maxAbsolute) {
        maxAbsolute = absolute
        maxAbsoluteIndex = i
      }
      let rel = absolute == 0 ? 0 : relative
      if Self.isGreater(rel, than: maxRelative) { maxRelative = rel }
    }
    if let ulp, maxULPIndex == nil || ulp > maxULP {
      maxULP = ulp
      maxULPIndex = i
    }
  }

  /// `torch.max` order: NaN is greater than everything and the first NaN stays.
  @inline(__always)
  private static func isGreater(_ x: Double, than best: Double) -> Bool {
    if best.isNaN { return false }
    return x.isNaN || x > best
  }

  @inline(__always)
  private mutating func countBitwise(_ i: Int, _ differ: Bool) {
    if differ {
      bitwiseMismatchCount &+= 1
      if firstBitwiseMismatch == nil { firstBitwiseMismatch = i }
    }
  }

  /// Whether elements `start..<end` have equal bytes on both sides and are all finite.
  @inline(__always)
  private static func isSkippable<L: RealLane>(
    _ a: UnsafeRawPointer, _ e: UnsafeRawPointer, _ start: Int, _ end: Int, lane: L.Type
  ) -> Bool {
    let size = MemoryLayout<L.Bits>.size
    guard unsafe memcmp(a + start &* size, e + start &* size, (end &- start) &* size) == 0 else {
      return false
    }
    var special = 0
    for i in start..<end { special &+= unsafe L.isNonFinite(L.bits(a, i)) ? 1 : 0 }
    return special == 0
  }

  // MARK: - float16, bfloat16, float32 in their own arithmetic

  /// Compares in the dtype's arithmetic (ElementwiseDifference's float16/bfloat16/float32 rule).
  ///
  /// `a` and `e` point at elements `indexBase..<indexBase + n` of the tensors (a chunk); the
  /// figures keep accumulating across chunks given in order.
  mutating func compareNative<L: RealLane, R: LaneRounding>(
    _ a: UnsafeRawPointer, _ e: UnsafeRawPointer, count n: Int, lane: L.Type, rounding: R.Type,
    layout: FloatLayout, tolerance: Tolerance, equalNaN: Bool, indexBase: Int = 0
  ) {
    count = indexBase &+ n
    let rtol = Float(tolerance.relative)
    let atol = Float(tolerance.absolute)
    let exact = tolerance.isExact
    var start = 0
    while start < n {
      let end = Swift.min(n, start &+ Self.blockSize)
      if canSkipEqualBlocks, unsafe Self.isSkippable(a, e, start, end, lane: L.self) {
        start = end
        continue
      }
      for i in start..<end {
        let xb = unsafe L.bits(a, i)
        let yb = unsafe L.bits(e, i)
        countBitwise(indexBase &+ i, xb != yb)
        let x = L.float(xb)
        let y = L.float(yb)
        let bothNaN = x.isNaN && y.isNaN
        var close = x == y || (equalNaN && bothNaN)
        let absDiff = Swift.abs(R.round(x - y))
        if !close && !exact {
          let allowed = R.round(Swift.abs(R.round(rtol * y)) + atol)
          close = absDiff.isFinite && absDiff <= allowed
        }
        let rel = R.round(absDiff / Swift.abs(y))
        record(
          index: indexBase &+ i, matches: close, absolute: Double(absDiff), relative: Double(rel),
          bothNaN: bothNaN, ulp: layout.ulpDistance(UInt64(xb), UInt64(yb)))
      }
      start = end
    }
  }

  /// `compareInFloat64` with both lanes chosen from the dtypes (float16, bfloat16, float32,
  /// float64 or a float8 format), each pair of lanes specialized.
  mutating func compareInFloat64(
    _ a: UnsafeRawPointer, _ e: UnsafeRawPointer, count n: Int, actual: DType, expected: DType,
    tolerance: Tolerance, equalNaN: Bool, indexBase: Int = 0
  ) {
    var call = unsafe Float64Call(
      kernel: self, a: a, e: e, count: n, expected: expected, tolerance: tolerance,
      equalNaN: equalNaN, indexBase: indexBase)
    unsafe actual.visitRealLane(&call)
    self = unsafe call.kernel
  }

  // MARK: - float64 arithmetic (float64, or any real dtype upcast to float64)

  /// Compares the values as float64 (ElementwiseDifference's float64 rule), reading `X` and
  /// `Y` and converting each element as `Tensor.to(.float64)` does: the figures of comparing
  /// `actual.to(.float64)` with `expected.to(.float64)`, without making either copy.
  mutating func compareInFloat64<X: RealLane, Y: RealLane>(
    _ a: UnsafeRawPointer, _ e: UnsafeRawPointer, count n: Int, actual: X.Type, expected: Y.Type,
    tolerance: Tolerance, equalNaN: Bool, indexBase: Int = 0
  ) {
    count = indexBase &+ n
    let layout = FloatLayout(.float64)
    let sameDtype = X.self == Y.self
    var start = 0
    while start < n {
      let end = Swift.min(n, start &+ Self.blockSize)
      if sameDtype, canSkipEqualBlocks, unsafe Self.isSkippable(a, e, start, end, lane: X.self) {
        start = end
        continue
      }
      for i in start..<end {
        let x = unsafe X.double(X.bits(a, i))
        let y = unsafe Y.double(Y.bits(e, i))
        let xBits = x.bitPattern
        let yBits = y.bitPattern
        countBitwise(indexBase &+ i, xBits != yBits)
        let bothNaN = x.isNaN && y.isNaN
        var close = x == y || (equalNaN && bothNaN)
        let absDiff = Swift.abs(x - y)
        if !close && !tolerance.isExact {
          let allowed = Swift.abs(tolerance.relative * y) + tolerance.absolute
          close = absDiff.isFinite && absDiff <= allowed
        }
        record(
          index: indexBase &+ i, matches: close, absolute: absDiff,
          relative: absDiff / Swift.abs(y),
          bothNaN: bothNaN, ulp: layout.ulpDistance(xBits, yBits))
      }
      start = end
    }
  }
}

/// One `compareInFloat64` call while its lanes are chosen: the actual side's first, then the
/// expected side's (`ExpectedSide`).
@unsafe private struct Float64Call: RealLaneVisitor {
  var kernel: RealDifferenceKernel
  let a: UnsafeRawPointer
  let e: UnsafeRawPointer
  let count: Int
  let expected: DType
  let tolerance: Tolerance
  let equalNaN: Bool
  let indexBase: Int

  mutating func visit<X: RealLane>(_ lane: X.Type) {
    var side = unsafe ExpectedSide<X>(call: self)
    unsafe expected.visitRealLane(&side)
    unsafe kernel = side.call.kernel
  }

  @unsafe struct ExpectedSide<X: RealLane>: RealLaneVisitor {
    var call: Float64Call

    mutating func visit<Y: RealLane>(_ lane: Y.Type) {
      unsafe call.kernel.compareInFloat64(
        call.a, call.e, count: call.count, actual: X.self, expected: Y.self,
        tolerance: call.tolerance, equalNaN: call.equalNaN, indexBase: call.indexBase)
    }
  }
}
