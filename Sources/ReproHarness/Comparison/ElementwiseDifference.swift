import Foundation
import ReproTensor

/// The per-element comparison of two tensors with the same dtype and shape, reduced to the
/// figures a report needs in one pass.
///
/// Closeness and the differences are computed in the dtype's own arithmetic, as ATen's
/// `isclose` and `assert_close`'s message do on the CPU: float16 and bfloat16 compute each
/// operation in float32 and round the result back to the 16-bit type; float32 computes in
/// float32 (tolerances rounded to float32); float64 in float64; complex values through `abs`
/// (hypot) of the real type; integers and bool compare equal, and with non-zero tolerances are
/// converted to float32 (PyTorch's default dtype) first. The message's differences of integers
/// are taken in int64 with wrap-around, the relative one divided in float32, as PyTorch does.
struct ElementwiseDifference {
  /// Number of elements.
  var count = 0
  /// Elements that are not close (or not equal when the tolerance is exact).
  var mismatchCount = 0
  /// Elements whose bytes differ.
  var bitwiseMismatchCount = 0
  /// Flat index of the first element whose bytes differ.
  var firstBitwiseMismatch: Int?
  /// The first element that is not close (or not equal), in row-major order.
  var firstMismatch: Int?

  /// PyTorch's greatest absolute difference over the mismatches (matches count as 0; NaN wins).
  var greatestAbsolute: Difference = .real(0)
  var greatestAbsoluteIndex = 0
  /// PyTorch's greatest relative difference over the mismatches.
  var greatestRelative: Double = 0
  var greatestRelativeIndex = 0

  /// The largest absolute difference over every element, NaN pairs excluded, NaN against a
  /// number included (it makes the figure NaN).
  var maxAbsolute: Double = 0
  var maxAbsoluteIndex: Int?
  /// The largest relative difference over every element (0/0 counts as 0).
  var maxRelative: Double = 0
  /// The largest distance in units in the last place; NaN against anything but NaN excluded.
  var maxULP: UInt64 = 0
  var maxULPIndex: Int?
  /// With a limit, an element that is not equal still matches when it lies at most this many
  /// ULPs from the expected one (`--max-ulp`); NaN against a number never matches.
  var ulpLimit: UInt64?

  /// A difference value: a float, or an int64 for integer and bool tensors.
  enum Difference: Equatable {
    case real(Double)
    case integer(Int64)

    var integerValue: Int64? {
      if case .integer(let i) = self { return i }
      return nil
    }

    var double: Double {
      switch self {
      case .real(let d): d
      case .integer(let i): Double(i)
      }
    }

    /// Python's text of the value (`3`, `0.5`, `nan`).
    var text: String {
      switch self {
      case .real(let d): PythonRepr.float(d)
      case .integer(let i): String(i)
      }
    }
  }

  /// Compares `actual` with `expected` (same dtype and shape; a programmer error otherwise).
  init(
    actual: Tensor, expected: Tensor, tolerance: Tolerance, equalNaN: Bool,
    ulpLimit: UInt64? = nil
  ) {
    precondition(actual.dtype == expected.dtype && actual.shape == expected.shape)
    self.ulpLimit = ulpLimit
    let dtype = actual.dtype
    count = actual.count
    let n = count
    guard Self.hasRealLane(dtype) else {
      compareOthers(actual: actual, expected: expected, tolerance: tolerance, equalNaN: equalNaN)
      return
    }
    var kernel = RealDifferenceKernel(ulpLimit: ulpLimit)
    let layout = FloatLayout(dtype)
    unsafe Self.forEachChunkPair(actual, expected) { a, e, m, base in
      switch dtype {
      case .float16:
        unsafe kernel.compareNative(
          a, e, count: m, lane: Float16Lane.self, rounding: Float16Rounding.self,
          layout: layout, tolerance: tolerance, equalNaN: equalNaN, indexBase: base)
      case .bfloat16:
        unsafe kernel.compareNative(
          a, e, count: m, lane: BFloat16Lane.self, rounding: BFloat16Rounding.self,
          layout: layout, tolerance: tolerance, equalNaN: equalNaN, indexBase: base)
      case .float32:
        unsafe kernel.compareNative(
          a, e, count: m, lane: Float32Lane.self, rounding: NoRounding.self,
          layout: layout, tolerance: tolerance, equalNaN: equalNaN, indexBase: base)
      default:
        unsafe kernel.compareInFloat64(
          a, e, count: m, actual: Float64Lane.self, expected: Float64Lane.self,
          tolerance: tolerance, equalNaN: equalNaN, indexBase: base)
      }
    }
    if n > 0 { adopt(kernel) }
  }

  /// Calls `body` with the next elements of both tensors, in row-major order and in chunks of
  /// at most ``ReproTensor/StorageReader/chunkBytes`` per side (``ReproTensor/TensorByteReader``:
  /// mapped pages released behind the loop, deflated records inflated as a stream), with the
  /// chunk's element count and the flat index of its first element.
  private static func forEachChunkPair(
    _ actual: Tensor, _ expected: Tensor,
    _ body: (UnsafeRawPointer, UnsafeRawPointer, Int, Int) -> Void
  ) {
    let n = actual.count
    guard n > 0 else { return }
    let ra = TensorByteReader(actual)
    let re = TensorByteReader(expected)
    let step = Swift.min(ra.elementsPerChunk, re.elementsPerChunk)
    var base = 0
    while base < n {
      let m = Swift.min(step, n - base)
      unsafe ra.withNext(elements: m) { a in
        unsafe re.withNext(elements: m) { e in unsafe body(a.start, e.start, m, base) }
      }
      base += m
    }
  }

  /// The figures of comparing `actual.to(.float64)` with `expected.to(.float64)` (same shape;
  /// both real floating dtypes: float16, bfloat16, float32, float64 or a float8 format),
  /// computed from the tensors' own bytes without making the float64 copies.
  init(float64ValuesOf actual: Tensor, _ expected: Tensor, tolerance: Tolerance, equalNaN: Bool) {
    precondition(
      Self.readsAsFloat64(actual.dtype) && Self.readsAsFloat64(expected.dtype)
        && actual.shape == expected.shape)
    count = actual.count
    let n = count
    var kernel = RealDifferenceKernel()
    unsafe Self.forEachChunkPair(actual, expected) { a, e, m, base in
      unsafe kernel.compareInFloat64(
        a, e, count: m, actual: actual.dtype, expected: expected.dtype, tolerance: tolerance,
        equalNaN: equalNaN, indexBase: base)
    }
    if n > 0 { adopt(kernel) }
  }

  /// Whether the same-dtype loops of `RealDifferenceKernel` read this dtype (float16, bfloat16,
  /// float32, float64).
  static func hasRealLane(_ dtype: DType) -> Bool {
    switch dtype {
    case .float16, .bfloat16, .float32, .float64: true
    default: false
    }
  }

  /// Whether `float64ValuesOf` reads this dtype directly: the real lanes and the float8 formats.
  static func readsAsFloat64(_ dtype: DType) -> Bool {
    switch dtype {
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU: true
    default: hasRealLane(dtype)
    }
  }

  private mutating func adopt(_ k: RealDifferenceKernel) {
    mismatchCount = k.mismatchCount
    bitwiseMismatchCount = k.bitwiseMismatchCount
    firstBitwiseMismatch = k.firstBitwiseMismatch
    firstMismatch = k.firstMismatch
    greatestAbsolute = .real(k.greatestAbsolute)
    greatestAbsoluteIndex = k.greatestAbsoluteIndex
    greatestRelative = k.greatestRelative
    greatestRelativeIndex = k.greatestRelativeIndex
    maxAbsolute = k.maxAbsolute
    maxAbsoluteIndex = k.maxAbsoluteIndex
    maxRelative = k.maxRelative
    maxULP = k.maxULP
    maxULPIndex = k.maxULPIndex
  }

  /// Integers, bool, complex and float8: element by element, chunk by chunk as
  /// ``forEachChunkPair(_:_:_:)`` reads them (so a mapped or deflated tensor is never held
  /// whole), after a `memcmp` of each chunk: equal integer bytes give the figures of all-equal
  /// elements without a loop.
  private mutating func compareOthers(
    actual: Tensor, expected: Tensor, tolerance: Tolerance, equalNaN: Bool
  ) {
    let dtype = actual.dtype
    let size = dtype.elementSize
    unsafe Self.forEachChunkPair(actual, expected) { a, e, m, base in
      let ra = unsafe UnsafeRawBufferPointer(start: a, count: m * size)
      let re = unsafe UnsafeRawBufferPointer(start: e, count: m * size)
      let bytesEqual = unsafe memcmp(a, e, m * size) == 0
      if !bytesEqual {
        for i in 0..<m where unsafe !Self.bytesEqual(ra, re, at: i * size, size: size) {
          bitwiseMismatchCount += 1
          if firstBitwiseMismatch == nil { firstBitwiseMismatch = base + i }
        }
      }
      let chunk = unsafe Chunk(actual: ra, expected: re, count: m, base: base)
      switch dtype {
      case .complex64:
        unsafe compareComplex(chunk, single: true, tolerance: tolerance, equalNaN: equalNaN)
      case .complex128:
        unsafe compareComplex(chunk, single: false, tolerance: tolerance, equalNaN: equalNaN)
      case .int8, .uint8, .int16, .int32, .int64, .bool, .uint16, .uint32, .uint64:
        if bytesEqual && base == 0 {
          // Every element so far equal: a difference of 0 everywhere, first seen at index 0.
          greatestAbsolute = .integer(0)
          maxAbsoluteIndex = 0
          maxULPIndex = 0
        } else if !bytesEqual || bitwiseMismatchCount > 0 {
          // (Equal elements after equal ones change no figure.)
          unsafe compareIntegers(chunk, dtype: dtype, tolerance: tolerance)
        }
      case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU:
        unsafe compareFloat8(chunk, dtype: dtype, tolerance: tolerance, equalNaN: equalNaN)
      case .complex32:
        unsafe compareComplexHalf(chunk, tolerance: tolerance, equalNaN: equalNaN)
      case .float16, .bfloat16, .float32, .float64:
        preconditionFailure("real floats go through RealDifferenceKernel")
      }
    }
  }

  /// The bytes of `count` elements of both tensors whose first has the flat index `base`.
  @unsafe private struct Chunk {
    var actual: UnsafeRawBufferPointer
    var expected: UnsafeRawBufferPointer
    var count: Int
    var base: Int
  }

  private static func bytesEqual(
    _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, at offset: Int, size: Int
  ) -> Bool {
    for k in offset..<(offset + size) where unsafe a[k] != b[k] { return false }
    return true
  }

  // MARK: - Accumulation

  private mutating func record(
    index i: Int, matches equal: Bool, absolute: Difference, relative: Double, bothNaN: Bool,
    ulp: UInt64?
  ) {
    var matches = equal
    if let ulpLimit, !matches, !bothNaN, let ulp { matches = ulp <= ulpLimit }
    // assert_close zeroes the matches, then takes torch.max over every element.
    if !matches {
      mismatchCount += 1
      if firstMismatch == nil { firstMismatch = i }
    }
    let maskedAbsolute: Difference =
      matches ? (absolute.integerValue == nil ? .real(0) : .integer(0)) : absolute
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
      let abs = absolute.double
      if maxAbsoluteIndex == nil || Self.isGreater(abs, than: maxAbsolute) {
        maxAbsolute = abs
        maxAbsoluteIndex = i
      }
      let rel = abs == 0 ? 0 : relative
      if Self.isGreater(rel, than: maxRelative) { maxRelative = rel }
    }
    if let ulp, maxULPIndex == nil || ulp > maxULP {
      maxULP = ulp
      maxULPIndex = i
    }
  }

  /// `torch.max` order: NaN is greater than everything and the first NaN stays.
  private static func isGreater(_ x: Double, than best: Double) -> Bool {
    if best.isNaN { return false }
    return x.isNaN || x > best
  }

  private static func isGreater(_ x: Difference, than best: Difference) -> Bool {
    switch (x, best) {
    case (.integer(let a), .integer(let b)): a > b
    default: isGreater(x.double, than: best.double)
    }
  }

  // MARK: - Real floats

  /// float8 values compared as their float32 values (exact in float32); the ULP distance counts
  /// the 8-bit patterns between them (sign-magnitude; e8m0fnu has no sign).
  private mutating func compareFloat8(
    _ chunk: Chunk, dtype: DType, tolerance: Tolerance, equalNaN: Bool
  ) {
    let (ra, re, count, base) = unsafe (chunk.actual, chunk.expected, chunk.count, chunk.base)
    let rtol = Float(tolerance.relative)
    let atol = Float(tolerance.absolute)
    let signMask: UInt64 = dtype == .float8E8M0FNU ? 0 : 0x80
    for i in 0..<count {
      let (xb, yb) = unsafe (ra[i], re[i])
      let x = Float8Codec.float(fromBits: xb, of: dtype)
      let y = Float8Codec.float(fromBits: yb, of: dtype)
      let bothNaN = x.isNaN && y.isNaN
      var close = x == y || (equalNaN && bothNaN)
      let absDiff = Swift.abs(x - y)
      if !close && !tolerance.isExact {
        close = absDiff.isFinite && absDiff <= Swift.abs(rtol * y) + atol
      }
      let ulp: UInt64?
      if x.isNaN || y.isNaN {
        ulp = bothNaN ? 0 : nil
      } else {
        let (a, b) = (UInt64(xb), UInt64(yb))
        let (ma, mb) = (a & ~signMask, b & ~signMask)
        ulp = (a & signMask) == (b & signMask) ? (ma > mb ? ma - mb : mb - ma) : ma + mb
      }
      record(
        index: base + i, matches: close, absolute: .real(Double(absDiff)),
        relative: Double(absDiff / Swift.abs(y)), bothNaN: bothNaN, ulp: ulp)
    }
  }

  // MARK: - Complex

  private mutating func compareComplex(
    _ chunk: Chunk, single: Bool, tolerance: Tolerance, equalNaN: Bool
  ) {
    let (ra, re, count, base) = unsafe (chunk.actual, chunk.expected, chunk.count, chunk.base)
    let layout = FloatLayout(single ? .float32 : .float64)
    for i in 0..<count {
      let (xr, xi, xrBits, xiBits) = unsafe Self.loadComplex(ra, i, single: single)
      let (yr, yi, yrBits, yiBits) = unsafe Self.loadComplex(re, i, single: single)
      let xNaN = xr.isNaN || xi.isNaN
      let yNaN = yr.isNaN || yi.isNaN
      var close = (xr == yr && xi == yi) || (equalNaN && xNaN && yNaN)
      let absDiff: Double
      let rel: Double
      if single {
        let d = Self.hypotFloat(Float(xr) - Float(yr), Float(xi) - Float(yi))
        absDiff = Double(d)
        rel = Double(d / Self.hypotFloat(Float(yr), Float(yi)))
        if !close && !tolerance.isExact {
          let rtol = Float(tolerance.relative)
          let allowed =
            Self.hypotFloat(rtol * Float(yr), rtol * Float(yi)) + Float(tolerance.absolute)
          close = d.isFinite && d <= allowed
        }
      } else {
        absDiff = Self.hypotDouble(xr - yr, xi - yi)
        rel = absDiff / Self.hypotDouble(yr, yi)
        if !close && !tolerance.isExact {
          let allowed =
            Self.hypotDouble(tolerance.relative * yr, tolerance.relative * yi) + tolerance.absolute
          close = absDiff.isFinite && absDiff <= allowed
        }
      }
      let ulp: UInt64? =
        switch (layout.ulpDistance(xrBits, yrBits), layout.ulpDistance(xiBits, yiBits)) {
        case (let r?, let m?): Swift.max(r, m)
        default: nil
        }
      record(
        index: base + i, matches: close, absolute: .real(absDiff), relative: rel,
        bothNaN: xNaN && yNaN, ulp: ulp)
    }
  }

  /// complex32 as torch computes on it: every operation in float32, rounded to float16
  /// (`|a - e|`, `|e|` and their ratio are float16 values; the allowed error
  /// `atol + |rtol * e|` likewise, with rtol rounded to float16).
  private mutating func compareComplexHalf(_ chunk: Chunk, tolerance: Tolerance, equalNaN: Bool) {
    let (ra, re, count, base) = unsafe (chunk.actual, chunk.expected, chunk.count, chunk.base)
    func h(_ x: Float) -> Float {
      HalfPrecision.float(fromFloat16Bits: HalfPrecision.float16Bits(from: x))
    }
    func part(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> (Float, UInt64) {
      let bits = unsafe raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
      return (HalfPrecision.float(fromFloat16Bits: bits), UInt64(bits))
    }
    let layout = FloatLayout(.float16)
    for i in 0..<count {
      let (xr, xrBits) = unsafe part(ra, i * 4)
      let (xi, xiBits) = unsafe part(ra, i * 4 + 2)
      let (yr, yrBits) = unsafe part(re, i * 4)
      let (yi, yiBits) = unsafe part(re, i * 4 + 2)
      let xNaN = xr.isNaN || xi.isNaN
      let yNaN = yr.isNaN || yi.isNaN
      var close = (xr == yr && xi == yi) || (equalNaN && xNaN && yNaN)
      let d = h(Self.hypotFloat(h(xr - yr), h(xi - yi)))
      let magnitude = h(Self.hypotFloat(yr, yi))
      if !close && !tolerance.isExact {
        let rtol = h(Float(tolerance.relative))
        let allowed = h(Float(tolerance.absolute) + h(Self.hypotFloat(h(rtol * yr), h(rtol * yi))))
        close = d.isFinite && d <= allowed
      }
      let ulp: UInt64? =
        switch (layout.ulpDistance(xrBits, yrBits), layout.ulpDistance(xiBits, yiBits)) {
        case (let r?, let m?): Swift.max(r, m)
        default: nil
        }
      record(
        index: base + i, matches: close, absolute: .real(Double(d)),
        relative: Double(h(d / magnitude)),
        bothNaN: xNaN && yNaN, ulp: ulp)
    }
  }

  private static func loadComplex(
    _ raw: UnsafeRawBufferPointer, _ i: Int, single: Bool
  ) -> (Double, Double, UInt64, UInt64) {
    if single {
      let r = unsafe raw.loadUnaligned(fromByteOffset: i * 8, as: UInt32.self)
      let m = unsafe raw.loadUnaligned(fromByteOffset: i * 8 + 4, as: UInt32.self)
      return (Double(Float(bitPattern: r)), Double(Float(bitPattern: m)), UInt64(r), UInt64(m))
    }
    let r = unsafe raw.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self)
    let m = unsafe raw.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self)
    return (Double(bitPattern: r), Double(bitPattern: m), r, m)
  }

  /// `|x + iy|` in float32: C's `hypotf`, as `std::abs(complex<float>)` computes it.
  static func hypotFloat(_ x: Float, _ y: Float) -> Float { Foundation.hypotf(x, y) }

  /// `|x + iy|` in float64: C's `hypot`, as `std::abs(complex<double>)` and Python's `abs`
  /// compute it.
  static func hypotDouble(_ x: Double, _ y: Double) -> Double { Foundation.hypot(x, y) }

  // MARK: - Integers and bool

  private mutating func compareIntegers(_ chunk: Chunk, dtype: DType, tolerance: Tolerance) {
    let rtol = Float(tolerance.relative)
    let atol = Float(tolerance.absolute)
    let size = dtype.elementSize
    let (ra, re, count, base) = unsafe (chunk.actual, chunk.expected, chunk.count, chunk.base)
    for i in 0..<count {
      let x = unsafe Self.int64(ra, at: i * size, dtype)
      let y = unsafe Self.int64(re, at: i * size, dtype)
      var close = x == y
      if !close && !tolerance.isExact {
        let fx = Float(x)
        let fy = Float(y)
        let err = Swift.abs(fx - fy)
        close = err.isFinite && err <= Swift.abs(rtol * fy) + atol
      }
      let d = x &- y
      let absDiff = d < 0 ? 0 &- d : d
      let absExpected = y < 0 ? 0 &- y : y
      let rel = Float(absDiff) / Float(absExpected)
      let ulp = x >= y ? UInt64(bitPattern: x &- y) : UInt64(bitPattern: y &- x)
      record(
        index: base + i, matches: close, absolute: .integer(absDiff),
        relative: Double(rel), bothNaN: false, ulp: ulp)
    }
  }

  /// An integer or bool element as `assert_close` upcasts it with `.to(torch.int64)` (uint64
  /// wraps).
  private static func int64(_ raw: UnsafeRawBufferPointer, at offset: Int, _ dtype: DType) -> Int64
  {
    switch unsafe ScalarCodec.load(dtype, from: raw, byteOffset: offset) {
    case .bool(let b): b ? 1 : 0
    case .int(let i): i
    case .uint(let u): Int64(bitPattern: u)
    case .float(let d): Int64(d)
    case .complex(let re, _): Int64(re)
    }
  }
}

/// The bit layout of an IEEE binary format, for ULP distances.
struct FloatLayout {
  let exponentMask: UInt64
  let mantissaMask: UInt64
  let signMask: UInt64

  init(_ dtype: DType) {
    let (exponentBits, mantissaBits) =
      switch dtype {
      case .float16: (5, 10)
      case .bfloat16: (8, 7)
      case .float64, .complex128: (11, 52)
      default: (8, 23)
      }
    mantissaMask = (1 << UInt64(mantissaBits)) - 1
    exponentMask = ((1 << UInt64(exponentBits)) - 1) << UInt64(mantissaBits)
    signMask = 1 << UInt64(exponentBits + mantissaBits)
  }

  func isNaN(_ bits: UInt64) -> Bool {
    bits & exponentMask == exponentMask && bits & mantissaMask != 0
  }

  /// How many representable values lie between the two (0 for `+0` and `-0`); nil when exactly
  /// one of them is NaN, 0 when both are.
  func ulpDistance(_ a: UInt64, _ b: UInt64) -> UInt64? {
    switch (isNaN(a), isNaN(b)) {
    case (true, true): return 0
    case (false, false): break
    default: return nil
    }
    let ma = a & ~signMask
    let mb = b & ~signMask
    if (a & signMask) == (b & signMask) { return ma > mb ? ma - mb : mb - ma }
    return ma + mb
  }
}
