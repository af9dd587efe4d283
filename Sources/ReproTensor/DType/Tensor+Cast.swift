/// Dtype conversion with PyTorch 2.13's bit-exact x86-64 rules (torch-rng.md §11).
extension Tensor {
  /// A copy converted to `dtype`, bit for bit as PyTorch's `tensor.to(dtype)` on x86-64 with the
  /// canonical AVX2 kernels.
  ///
  /// The corresponding PyTorch method is `Tensor.to(dtype)`.
  ///
  /// Returns `self` (no copy) when the dtype is already `dtype`. Otherwise the result is a new
  /// contiguous tensor with the same shape and device; `requiresGrad` is kept for floating and
  /// complex results and cleared for integer and bool results (PyTorch cannot track gradients
  /// through them).
  ///
  /// Rules (every pair of the 21 dtypes):
  /// - float32 → float16: round to nearest even, |x| ≥ 65520 → ±inf, NaN keeps its sign and top
  ///   payload bits. float32 → bfloat16: round to nearest even on the bits, NaN → `0xFFFF`.
  /// - float64 → float16/bfloat16 round twice, through float32; int64 → float32 rounds once,
  ///   int64 → float16/bfloat16 round through float32.
  /// - float → int32/int64 truncates toward zero; NaN, ±inf and out-of-range give the minimum
  ///   value. int8/int16 (and uint8 from float32 or narrower) go through int32, uint8 from float64
  ///   and from integers through int64, keeping the low bits.
  /// - → bool is `x != 0` (NaN is true, -0.0 false; complex: either part nonzero).
  /// - complex → real takes the real part.
  /// - float8 (``Float8Codec``): every source converts to float32 first (float64 and int64 round
  ///   twice), every float8 value converts through its float32 value.
  /// - uint16 from floats goes through int32, uint32 through int64 (low bits kept); uint64 from
  ///   floats as `ScalarCodec.uint64(_:)`; uint64 → float32 rounds once. float32, float64,
  ///   bfloat16, complex64 and complex128 → uint32 use `ScalarCodec.uint32Vectorized(_:)` in the
  ///   vector body of PyTorch's loop (`DTypeConversion.uint32VectorBody`), the scalar rule in
  ///   its tail; float16 → uint32 is all scalar.
  /// - float8_e4m3fnuz, float8_e5m2fnuz and float8_e8m0fnu NaN → int32/int64/uint64 is 0.
  /// - complex32: each part rounds to float32, then to float16.
  ///
  /// Position-dependent NaN bits: PyTorch converts float16 → float32 eight elements at a time and
  /// float64 → bfloat16 sixteen at a time; the last `count % 8` (resp. `count % 16`) elements go
  /// through scalar code that turns every NaN into `0x7FFFFFFF` (resp. `0x7FC0`) instead of the
  /// vector result. This method reproduces that split over the row-major element order, which is
  /// PyTorch's order for contiguous inputs. PyTorch splits tensors above 32768 elements between
  /// threads, each chunk with its own tail, so for those the NaN bits match PyTorch run with
  /// `torch.set_num_threads(1)`. Non-NaN values never depend on position.
  ///
  /// - Parameter dtype: the element type of the result.
  /// - Returns: the converted tensor, or `self` when `dtype == self.dtype`.
  public func to(_ dtype: DType) -> Tensor {
    if dtype == self.dtype { return self }
    let n = count
    let out = Storage(byteCount: n * dtype.elementSize)
    if n > 0 {
      let sourceType = self.dtype
      let convert = { (src: UnsafeRawBufferPointer) in
        unsafe out.withUnsafeMutableBytes { dst in
          unsafe DTypeConversion.convert(src, from: sourceType, into: dst, as: dtype, count: n)
        }
      }
      if isContiguous {
        let size = self.dtype.elementSize
        unsafe storage.withUnsafeBytes { raw in
          unsafe convert(
            UnsafeRawBufferPointer(
              rebasing: raw[(storageOffset * size)..<((storageOffset + n) * size)]))
        }
      } else {
        unsafe contiguousBytes().withUnsafeBytes { unsafe convert($0) }
      }
    }
    return Tensor(
      unchecked: out, dtype: dtype, shape: shape, strides: Tensor.contiguousStrides(for: shape),
      storageOffset: 0, device: device,
      requiresGrad: requiresGrad && (dtype.isFloatingPoint || dtype.isComplex))
  }

  /// A float16 copy (`self` if already float16).
  ///
  /// The corresponding PyTorch method is `Tensor.half()`.
  public func half() -> Tensor { to(.float16) }

  /// A bfloat16 copy (`self` if already bfloat16).
  ///
  /// The corresponding PyTorch method is `Tensor.bfloat16()`.
  public func bfloat16() -> Tensor { to(.bfloat16) }

  /// A float32 copy (`self` if already float32).
  ///
  /// The corresponding PyTorch method is `Tensor.float()`.
  public func float() -> Tensor { to(.float32) }

  /// A float64 copy (`self` if already float64).
  ///
  /// The corresponding PyTorch method is `Tensor.double()`.
  public func double() -> Tensor { to(.float64) }
}

/// The element loops behind `Tensor.to(_:)`: typed loops for the hot float pairs, the
/// `ScalarCodec` rules element by element for everything else.
enum DTypeConversion {
  /// Width of the vectorised float16 → float32 loop (AVX2 `convert(const Half*, float*, n)`).
  static let float16ToFloatVectorWidth = 8
  /// Width of the vectorised float64 → bfloat16 loop (AVX2 `convert(const double*, BFloat16*)`).
  static let doubleToBFloat16VectorWidth = 16

  /// Converts `count` contiguous elements of `from` in `src` into `dst` as `to`.
  static func convert(
    _ src: UnsafeRawBufferPointer, from: DType, into dst: UnsafeMutableRawBufferPointer,
    as to: DType, count n: Int
  ) {
    switch (from, to) {
    case (.float32, .float16):
      unsafe map(src, dst, n) { (x: Float) in HalfPrecision.float16Bits(from: x) }
    case (.float32, .bfloat16):
      unsafe map(src, dst, n) { (x: Float) in HalfPrecision.bfloat16Bits(from: x) }
    case (.float32, .float64):
      unsafe map(src, dst, n) { (x: Float) in Double(x) }
    case (.float64, .float32):
      unsafe map(src, dst, n) { (x: Double) in Float(x) }
    case (.float64, .float16):
      unsafe map(src, dst, n) { (x: Double) in HalfPrecision.float16Bits(from: Float(x)) }
    case (.float64, .bfloat16):
      unsafe map(src, dst, n) { (x: Double) in HalfPrecision.bfloat16Bits(from: Float(x)) }
      // The scalar tail: NaN → 0x7FC0 (c10::BFloat16(float)).
      for i in tailStart(n, width: doubleToBFloat16VectorWidth)..<n
      where unsafe src.loadUnaligned(fromByteOffset: i * 8, as: Double.self).isNaN {
        unsafe dst.storeBytes(of: UInt16(0x7FC0), toByteOffset: i * 2, as: UInt16.self)
      }
    case (.float16, .float32):
      unsafe map(src, dst, n) { (h: UInt16) in HalfPrecision.float(fromFloat16Bits: h) }
      // The scalar tail: every NaN → 0x7FFFFFFF, sign and payload dropped.
      for i in tailStart(n, width: float16ToFloatVectorWidth)..<n
      where unsafe isFloat16NaN(src.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) {
        unsafe dst.storeBytes(of: UInt32(0x7FFF_FFFF), toByteOffset: i * 4, as: UInt32.self)
      }
    case (.float16, .float64):
      unsafe map(src, dst, n) { (h: UInt16) in Double(HalfPrecision.float(fromFloat16Bits: h)) }
    case (.bfloat16, .float32):
      unsafe map(src, dst, n) { (b: UInt16) in HalfPrecision.float(fromBFloat16Bits: b) }
    // float32 ↔ complex64 real parts are copied as bits (signalling NaNs stay signalling),
    // bfloat16 → complex64 shifts the bits; going through a double would quiet them.
    case (.float32, .complex64):
      unsafe map(src, dst, n) { (u: UInt32) in UInt64(u) }
    case (.bfloat16, .complex64):
      unsafe map(src, dst, n) { (b: UInt16) in UInt64(b) << 16 }
    case (.complex64, .float32):
      unsafe map(src, dst, n) { (z: UInt64) in UInt32(truncatingIfNeeded: z) }
    case (.bfloat16, .float64):
      unsafe map(src, dst, n) { (b: UInt16) in Double(HalfPrecision.float(fromBFloat16Bits: b)) }
    // float8 → float32 keeps the formats' signalling NaN (0x7F800001) as bits; a double in
    // between would quiet it.
    case (let f8, .float32) where f8.isFloat8:
      unsafe map(src, dst, n) { (b: UInt8) in Float8Codec.float(fromBits: b, of: f8) }
    case (let f8, .complex64) where f8.isFloat8:
      unsafe map(src, dst, n) { (b: UInt8) in
        UInt64(Float8Codec.float(fromBits: b, of: f8).bitPattern)
      }
    case (.float32, let f8) where f8.isFloat8:
      unsafe map(src, dst, n) { (x: Float) in Float8Codec.bits(from: x, as: f8) }
    // complex32 → float16 copies the real part's bits (signalling NaNs stay signalling).
    case (.complex32, .float16):
      unsafe map(src, dst, n) { (z: UInt32) in UInt16(truncatingIfNeeded: z) }
    case (.float32, .uint32), (.float64, .uint32), (.bfloat16, .uint32), (.complex64, .uint32),
      (.complex128, .uint32):
      let inSize = from.elementSize
      let body = uint32VectorBody(from: from, count: n)
      for i in 0..<n {
        let value = unsafe ScalarCodec.load(from, from: src, byteOffset: i * inSize)
        let u =
          i < body
          ? ScalarCodec.uint32Vectorized(value)
          : UInt32(truncatingIfNeeded: ScalarCodec.int64(value))
        unsafe dst.storeBytes(of: u, toByteOffset: i * 4, as: UInt32.self)
      }
    // The fnuz formats' and e8m0fnu's NaN is the constant 0x7F800001 in c10's conversion, and
    // the compiler folds its conversion to an integer to 0 (a NaN computed at run time gives
    // the minimum value instead, as for every other float source).
    case (let f8, let int)
    where [.float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU].contains(f8)
      && [.int32, .int64, .uint64].contains(int):
      let nan: UInt8 = f8 == .float8E8M0FNU ? 0xFF : 0x80
      let outSize = to.elementSize
      for i in 0..<n {
        let b = unsafe src.load(fromByteOffset: i, as: UInt8.self)
        let value = unsafe ScalarCodec.load(from, from: src, byteOffset: i)
        unsafe ScalarCodec.store(
          b == nan ? .int(0) : value, as: to, into: dst, byteOffset: i * outSize)
      }
    default:
      let inSize = from.elementSize
      let outSize = to.elementSize
      for i in 0..<n {
        let value = unsafe ScalarCodec.load(from, from: src, byteOffset: i * inSize)
        unsafe ScalarCodec.store(value, as: to, into: dst, byteOffset: i * outSize)
      }
    }
  }

  /// How many leading elements PyTorch's float → uint32 copy converts in its vector loop (the
  /// rest go through the scalar tail, with different results for NaN, negatives below -2^31 and
  /// values from 2^32 up; measured with torch 2.13, AVX2): 4 lanes for float32, float64 and
  /// complex128, 8 for bfloat16, and for complex64 4 lanes that always leave at least one
  /// element to the tail.
  static func uint32VectorBody(from: DType, count n: Int) -> Int {
    switch from {
    case .bfloat16: tailStart(n, width: 8)
    case .complex64: n > 0 ? (n - 1) / 4 * 4 : 0
    default: tailStart(n, width: 4)
    }
  }

  /// The first index handled by the scalar tail of a vector loop of `width` lanes.
  static func tailStart(_ n: Int, width: Int) -> Int { n - n % width }

  static func isFloat16NaN(_ h: UInt16) -> Bool { h & 0x7C00 == 0x7C00 && h & 0x03FF != 0 }

  /// Applies `f` to each of `n` elements of type `S` in `src`, writing type `D` into `dst`.
  @inline(__always)
  static func map<S, D>(
    _ src: UnsafeRawBufferPointer, _ dst: UnsafeMutableRawBufferPointer, _ n: Int,
    _ f: (S) -> D
  ) {
    let inStride = MemoryLayout<S>.stride
    let outStride = MemoryLayout<D>.stride
    precondition(
      src.count >= n * inStride && dst.count >= n * outStride, "conversion buffers too small")
    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
    for i in 0..<n {
      let v = unsafe f(s.loadUnaligned(fromByteOffset: i * inStride, as: S.self))
      unsafe d.storeBytes(of: v, toByteOffset: i * outStride, as: D.self)
    }
  }
}
