/// Encodes a `Scalar` into any dtype's bytes with PyTorch 2.13's x86-64 cast rules
/// (torch-rng.md §11): float→int truncates toward zero, NaN/±inf/out-of-range become the
/// minimum int32/int64; int8/int16 go through int32 and uint8 through int64 keeping the low bits;
/// float64 → float16/bfloat16 round twice (through float32); → bool is `x != 0` (NaN is true).
///
/// These are the rules of the *scalar* conversions (`c10::convert`), used element by element by
/// `Tensor.setScalar` and by the generic path of `Tensor.to(_:)`. They differ from PyTorch's
/// vectorised copy kernels only in NaN bits: a NaN stored as bfloat16 here becomes `0x7FC0`
/// (the scalar `c10::BFloat16(float)`), whereas `tensor.bfloat16()` of float32 gives `0xFFFF`;
/// `Tensor.to(_:)` applies the vector rules where PyTorch does.
public enum ScalarCodec {
  /// Stores `value` converted to `dtype` at `byteOffset` of `raw`.
  @inlinable
  public static func store(
    _ value: Scalar, as dtype: DType, into raw: UnsafeMutableRawBufferPointer, byteOffset: Int
  ) {
    switch dtype {
    case .float64:
      unsafe raw.storeBytes(of: double(value), toByteOffset: byteOffset, as: Double.self)
    case .float32: unsafe raw.storeBytes(of: float(value), toByteOffset: byteOffset, as: Float.self)
    case .float16:
      unsafe raw.storeBytes(
        of: HalfPrecision.float16Bits(from: float(value)), toByteOffset: byteOffset, as: UInt16.self
      )
    case .bfloat16:
      unsafe raw.storeBytes(
        of: HalfPrecision.bfloat16BitsScalar(from: float(value)), toByteOffset: byteOffset,
        as: UInt16.self)
    case .complex64:
      // A real value rounds once to float (int64 → float32 directly, not through double).
      var (re, im) = (float(value), Float(0))
      if case .complex(let r, let i) = value { (re, im) = (Float(r), Float(i)) }
      unsafe raw.storeBytes(of: re, toByteOffset: byteOffset, as: Float.self)
      unsafe raw.storeBytes(of: im, toByteOffset: byteOffset + 4, as: Float.self)
    case .complex128:
      let (re, im) = complex(value)
      unsafe raw.storeBytes(of: re, toByteOffset: byteOffset, as: Double.self)
      unsafe raw.storeBytes(of: im, toByteOffset: byteOffset + 8, as: Double.self)
    case .int64: unsafe raw.storeBytes(of: int64(value), toByteOffset: byteOffset, as: Int64.self)
    case .int32: unsafe raw.storeBytes(of: int32(value), toByteOffset: byteOffset, as: Int32.self)
    case .int16:
      unsafe raw.storeBytes(
        of: Int16(truncatingIfNeeded: int32(value)), toByteOffset: byteOffset, as: Int16.self)
    case .int8:
      unsafe raw.storeBytes(
        of: Int8(truncatingIfNeeded: int32(value)), toByteOffset: byteOffset, as: Int8.self)
    case .uint8:
      unsafe raw.storeBytes(
        of: UInt8(truncatingIfNeeded: int64(value)), toByteOffset: byteOffset, as: UInt8.self)
    case .bool:
      unsafe raw.storeBytes(
        of: UInt8(bool(value) ? 1 : 0), toByteOffset: byteOffset, as: UInt8.self)
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU:
      // c10's float8 constructors take a float: every source rounds to float32 first.
      unsafe raw.storeBytes(
        of: Float8Codec.bits(from: float(value), as: dtype), toByteOffset: byteOffset,
        as: UInt8.self)
    case .uint16:
      unsafe raw.storeBytes(
        of: UInt16(truncatingIfNeeded: int32(value)), toByteOffset: byteOffset, as: UInt16.self)
    case .uint32:
      unsafe raw.storeBytes(
        of: UInt32(truncatingIfNeeded: int64(value)), toByteOffset: byteOffset, as: UInt32.self)
    case .uint64:
      unsafe raw.storeBytes(of: uint64(value), toByteOffset: byteOffset, as: UInt64.self)
    case .complex32:
      // Each part rounds to float32, then to float16 (c10::complex<c10::Half>).
      var (re, im) = (float(value), Float(0))
      if case .complex(let r, let i) = value { (re, im) = (Float(r), Float(i)) }
      unsafe raw.storeBytes(
        of: HalfPrecision.float16Bits(from: re), toByteOffset: byteOffset, as: UInt16.self)
      unsafe raw.storeBytes(
        of: HalfPrecision.float16Bits(from: im), toByteOffset: byteOffset + 2, as: UInt16.self)
    }
  }

  /// Reads the element of `dtype` at `byteOffset` of `raw`, widened losslessly to a `Scalar`
  /// (float16 NaN payloads are shifted left by 13 with the quiet bit set, as
  /// `HalfPrecision.float(fromFloat16Bits:)` does).
  @inlinable
  public static func load(_ dtype: DType, from raw: UnsafeRawBufferPointer, byteOffset at: Int)
    -> Scalar
  {
    switch dtype {
    case .float64: return unsafe .float(raw.loadUnaligned(fromByteOffset: at, as: Double.self))
    case .float32:
      return unsafe .float(Double(raw.loadUnaligned(fromByteOffset: at, as: Float.self)))
    case .float16:
      let bits = unsafe raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)
      return .float(Double(HalfPrecision.float(fromFloat16Bits: bits)))
    case .bfloat16:
      let bits = unsafe raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)
      return .float(Double(HalfPrecision.float(fromBFloat16Bits: bits)))
    case .complex64:
      return unsafe .complex(
        real: Double(raw.loadUnaligned(fromByteOffset: at, as: Float.self)),
        imaginary: Double(raw.loadUnaligned(fromByteOffset: at + 4, as: Float.self)))
    case .complex128:
      return unsafe .complex(
        real: raw.loadUnaligned(fromByteOffset: at, as: Double.self),
        imaginary: raw.loadUnaligned(fromByteOffset: at + 8, as: Double.self))
    case .int8: return unsafe .int(Int64(raw.loadUnaligned(fromByteOffset: at, as: Int8.self)))
    case .uint8: return unsafe .int(Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt8.self)))
    case .int16: return unsafe .int(Int64(raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
    case .int32: return unsafe .int(Int64(raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
    case .int64: return unsafe .int(raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
    case .bool: return unsafe .bool(raw.loadUnaligned(fromByteOffset: at, as: UInt8.self) != 0)
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU:
      let bits = unsafe raw.loadUnaligned(fromByteOffset: at, as: UInt8.self)
      return .float(Double(Float8Codec.float(fromBits: bits, of: dtype)))
    case .uint16: return unsafe .int(Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)))
    case .uint32: return unsafe .int(Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
    case .uint64:
      let u = unsafe raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)
      return u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
    case .complex32:
      let re = unsafe raw.loadUnaligned(fromByteOffset: at, as: UInt16.self)
      let im = unsafe raw.loadUnaligned(fromByteOffset: at + 2, as: UInt16.self)
      return .complex(
        real: Double(HalfPrecision.float(fromFloat16Bits: re)),
        imaginary: Double(HalfPrecision.float(fromFloat16Bits: im)))
    }
  }

  /// The value as a float64 (`static_cast<double>`).
  @inlinable
  public static func double(_ v: Scalar) -> Double {
    switch v {
    case .float(let d): d
    case .int(let i): Double(i)
    case .uint(let u): Double(u)
    case .bool(let b): b ? 1 : 0
    case .complex(let re, _): re
    }
  }

  /// The value as a float32: one rounding from int64 or float64.
  @inlinable
  public static func float(_ v: Scalar) -> Float {
    switch v {
    case .float(let d): Float(d)
    case .int(let i): Float(i)
    case .uint(let u): Float(u)
    case .bool(let b): b ? 1 : 0
    case .complex(let re, _): Float(re)
    }
  }

  @inlinable
  static func complex(_ v: Scalar) -> (Double, Double) {
    if case .complex(let re, let im) = v { return (re, im) }
    return (double(v), 0)
  }

  /// The value as an int64; floats truncate toward zero, NaN/±inf/out-of-range give `Int64.min`.
  @inlinable
  public static func int64(_ v: Scalar) -> Int64 {
    switch v {
    case .int(let i): return i
    case .uint(let u): return Int64(bitPattern: u)
    case .bool(let b): return b ? 1 : 0
    case .float(let d), .complex(let d, _):
      // Exactly representable bounds: [-2^63, 2^63).
      guard d.isFinite, d >= -9_223_372_036_854_775_808.0, d < 9_223_372_036_854_775_808.0 else {
        return .min
      }
      return Int64(d.rounded(.towardZero))
    }
  }

  /// The value as an int32; floats truncate, NaN/±inf/out-of-range give `Int32.min`; wider ints
  /// keep their low 32 bits.
  @inlinable
  public static func int32(_ v: Scalar) -> Int32 {
    switch v {
    case .int(let i): return Int32(truncatingIfNeeded: i)
    case .uint(let u): return Int32(truncatingIfNeeded: u)
    case .bool(let b): return b ? 1 : 0
    case .float(let d), .complex(let d, _):
      guard d.isFinite, d > -2_147_483_649.0, d < 2_147_483_648.0 else { return .min }
      return Int32(d.rounded(.towardZero))
    }
  }

  /// The value as a uint64, as x86-64's `static_cast<uint64_t>` of a double: integers keep their
  /// 64 low bits; a float below 2^63 (NaN and negatives included) truncates as `int64(_:)` and
  /// keeps the bits (NaN → 2^63); from 2^63 up it subtracts 2^63, truncates and flips the top
  /// bit (2^64 and above, +inf → 0).
  @inlinable
  public static func uint64(_ v: Scalar) -> UInt64 {
    switch v {
    case .uint(let u): return u
    case .float(let d), .complex(let d, _):
      let twoTo63 = 9_223_372_036_854_775_808.0
      if d >= twoTo63 {
        return UInt64(bitPattern: int64(.float(d - twoTo63))) ^ (1 << 63)
      }
      return UInt64(bitPattern: int64(v))
    default: return UInt64(bitPattern: int64(v))
    }
  }

  /// The value as a uint32 the way PyTorch's vectorised float → uint32 copy computes it (AVX2):
  /// below 2^31 (NaN included) a 32-bit truncation whose invalid result is `0x80000000`; from
  /// 2^31 up the truncation of `x - 2^31` with the top bit flipped, so 2^32 and above give 0.
  @inlinable
  public static func uint32Vectorized(_ v: Scalar) -> UInt32 {
    let d = double(v)
    if d >= 2_147_483_648.0 {
      return UInt32(bitPattern: int32(.float(d - 2_147_483_648.0))) ^ 0x8000_0000
    }
    return UInt32(bitPattern: int32(.float(d)))
  }

  /// The value as a bool: `x != 0`; NaN is true, -0.0 is false.
  @inlinable
  public static func bool(_ v: Scalar) -> Bool {
    switch v {
    case .bool(let b): b
    case .int(let i): i != 0
    case .uint(let u): u != 0
    case .float(let d): d != 0 || d.isNaN
    case .complex(let re, let im): re != 0 || im != 0 || re.isNaN || im.isNaN
    }
  }
}
