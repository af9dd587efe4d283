/// Bit-exact conversions between float32 and PyTorch's five 8-bit float formats, ported from
/// torch 2.13's `c10` headers (`torch/headeronly/util/Float8_*.h`) and checked on all 256
/// patterns of each format and on every float32 rounding boundary against real PyTorch
/// (Scripts/make_float8_vectors.py).
///
/// PyTorch converts every other dtype through float32: float64 → float8 rounds twice (to
/// float32, then to float8), int64 → float8 rounds to float32 first, and float8 → anything
/// converts the float32 value. The formats differ in their special values:
///
/// | format | NaN written | ±inf and finite overflow | -0 |
/// | --- | --- | --- | --- |
/// | `float8_e4m3fn` | `0x7F` (sign kept) | saturate to ±448 (`0x7E`/`0xFE`) | kept |
/// | `float8_e5m2` | `0x7F` (sign kept) | ±inf (`0x7C`), from 61440 up | kept |
/// | `float8_e4m3fnuz` | `0x80` | NaN `0x80`, from 248 up | becomes +0 |
/// | `float8_e5m2fnuz` | `0x80` | NaN `0x80`, from 61440 up | becomes +0 |
/// | `float8_e8m0fnu` | `0xFF` | NaN `0xFF` (inf); finite overflow rounds to `0xFF` | sign dropped |
public enum Float8Codec {
  /// The float32 value of the 8-bit pattern `bits` of `dtype`.
  ///
  /// NaN results: e4m3fn gives `0x7FF00000` (with the sign), e5m2 converts through float16 as
  /// F16C does (quiet bit set, payload kept), the fnuz formats and e8m0fnu give the signalling
  /// `0x7F800001`. e8m0fnu's `0x00` is 2^-127 (`0x00400000`).
  ///
  /// - Precondition: `dtype.isFloat8` (a programmer error otherwise).
  @inlinable
  public static func float(fromBits bits: UInt8, of dtype: DType) -> Float {
    switch dtype {
    case .float8E4M3FN: return e4m3fnToFloat(bits)
    case .float8E5M2: return HalfPrecision.float(fromFloat16Bits: UInt16(bits) << 8)
    case .float8E4M3FNUZ: return fnuzToFloat(bits, exponentBits: 4, mantissaBits: 3)
    case .float8E5M2FNUZ: return fnuzToFloat(bits, exponentBits: 5, mantissaBits: 2)
    case .float8E8M0FNU:
      if bits == 0 { return Float(bitPattern: 0x0040_0000) }
      if bits == 0xFF { return Float(bitPattern: 0x7F80_0001) }
      return Float(bitPattern: UInt32(bits) << 23)
    default: preconditionFailure("\(dtype) is not a float8 dtype")
    }
  }

  /// The 8-bit pattern of `dtype` nearest to `x` (round to nearest even), with the format's
  /// overflow and NaN rules (see the type's table).
  ///
  /// - Precondition: `dtype.isFloat8` (a programmer error otherwise).
  @inlinable
  public static func bits(from x: Float, as dtype: DType) -> UInt8 {
    switch dtype {
    case .float8E4M3FN: return e4m3fnBits(x)
    case .float8E5M2: return e5m2Bits(x)
    case .float8E4M3FNUZ:
      return fnuzBits(
        x, maximum: 0x87 << 23, denormalMask: 0x8C << 23, normalMinimum: 0x78 << 23,
        mantissaShift: 20, biasAdjust: UInt32(bitPattern: Int32(8 - 127)) << 23 &+ 0x7FFFF)
    case .float8E5M2FNUZ:
      return fnuzBits(
        x, maximum: 0x8F << 23, denormalMask: 0x85 << 23, normalMinimum: 0x70 << 23,
        mantissaShift: 21, biasAdjust: UInt32(bitPattern: Int32(16 - 127)) << 23 &+ 0xFFFFF)
    case .float8E8M0FNU: return e8m0Bits(x)
    default: preconditionFailure("\(dtype) is not a float8 dtype")
    }
  }

  // MARK: float8 → float32

  /// `fp8e4m3fn_to_fp32_value`.
  @inlinable
  static func e4m3fnToFloat(_ input: UInt8) -> Float {
    let w = UInt32(input) << 24
    let sign = w & 0x8000_0000
    let nonsign = w & 0x7FFF_FFFF
    var renorm = UInt32(nonsign.leadingZeroBitCount)
    renorm = renorm > 4 ? renorm - 4 : 0
    let infNaN = UInt32(bitPattern: Int32(bitPattern: nonsign &+ 0x0100_0000) >> 8) & 0x7F80_0000
    let zero = UInt32(bitPattern: Int32(bitPattern: nonsign &- 1) >> 31)
    let magnitude = ((nonsign << renorm) >> 4) &+ ((0x78 &- renorm) << 23)
    return Float(bitPattern: sign | ((magnitude | infNaN) & ~zero))
  }

  /// `fp8_fnuz_to_fp32_value<we, wm>`.
  @inlinable
  static func fnuzToFloat(_ x: UInt8, exponentBits we: UInt32, mantissaBits wm: UInt32) -> Float {
    if x == 0 { return 0 }
    if x == 0x80 { return Float(bitPattern: 0x7F80_0001) }
    var mantissa = UInt32(x) & ((1 << wm) - 1)
    var exponent = (UInt32(x) & 0x7F) >> wm
    if exponent == 0 {
      let renorm = UInt32(mantissa.leadingZeroBitCount)
      let sh = 1 &+ renorm &- (32 - wm)
      mantissa <<= sh
      exponent = exponent &+ 1 &- sh
      mantissa &= (1 << wm) - 1
    }
    let lowCutoff: UInt32 = (1 << 7) - (1 << (we - 1))
    exponent = exponent &+ lowCutoff &- 1
    mantissa <<= 23 - wm
    let sign = UInt32(x >> 7)
    return Float(bitPattern: (sign << 31) | (exponent << 23) | mantissa)
  }

  // MARK: float32 → float8

  /// `fp8e4m3fn_from_fp32_value`: saturating, NaN → `0x7F`.
  @inlinable
  static func e4m3fnBits(_ f: Float) -> UInt8 {
    var bits = f.bitPattern
    let sign = bits & 0x8000_0000
    bits ^= sign
    var result: UInt8
    if bits >= 1087 << 20 {
      result = bits > 0x7F80_0000 ? 0x7F : 0x7E
    } else if bits < 121 << 23 {
      result = denormal(bits, mask: 141 << 23)
    } else {
      let odd = (bits >> 20) & 1
      bits = bits &+ (UInt32(bitPattern: Int32(7 - 127)) << 23) &+ 0x7FFFF &+ odd
      result = UInt8(truncatingIfNeeded: bits >> 20)
      if result == 0x7F { result = 0x7E }
    }
    return result | UInt8(truncatingIfNeeded: sign >> 24)
  }

  /// `fp8e5m2_from_fp32_value`: overflow → inf `0x7C`, NaN → `0x7F`.
  @inlinable
  static func e5m2Bits(_ f: Float) -> UInt8 {
    var bits = f.bitPattern
    let sign = bits & 0x8000_0000
    bits ^= sign
    let result: UInt8
    if bits >= 143 << 23 {
      result = bits > 0x7F80_0000 ? 0x7F : 0x7C
    } else if bits < 113 << 23 {
      result = denormal(bits, mask: 134 << 23)
    } else {
      let odd = (bits >> 21) & 1
      bits = bits &+ (UInt32(bitPattern: Int32(15 - 127)) << 23) &+ 0xFFFFF &+ odd
      result = UInt8(truncatingIfNeeded: bits >> 21)
    }
    return result | UInt8(truncatingIfNeeded: sign >> 24)
  }

  /// `fp8e4m3fnuz_from_fp32_value` / `fp8e5m2fnuz_from_fp32_value`: NaN, ±inf and magnitudes
  /// from `maximum` up → `0x80`; a result of zero is +0.
  @inlinable
  static func fnuzBits(
    _ f: Float, maximum: UInt32, denormalMask: UInt32, normalMinimum: UInt32,
    mantissaShift: UInt32, biasAdjust: UInt32
  ) -> UInt8 {
    var bits = f.bitPattern
    let sign = bits & 0x8000_0000
    bits ^= sign
    if bits >= maximum { return 0x80 }
    let result: UInt8
    if bits < normalMinimum {
      result = denormal(bits, mask: denormalMask)
      if result == 0 { return 0 }
    } else {
      let odd = (bits >> mantissaShift) & 1
      bits = bits &+ biasAdjust &+ odd
      result = UInt8(truncatingIfNeeded: bits >> mantissaShift)
    }
    return result | UInt8(truncatingIfNeeded: sign >> 24)
  }

  /// The subnormal path shared by the formats: adding a power of two in float32 arithmetic
  /// rounds the magnitude to the format's subnormal step (round to nearest even).
  @inlinable
  static func denormal(_ magnitude: UInt32, mask: UInt32) -> UInt8 {
    let sum = (Float(bitPattern: magnitude) + Float(bitPattern: mask)).bitPattern
    return UInt8(truncatingIfNeeded: sum &- mask)
  }

  /// `fp8e8m0fnu_from_fp32_value`: the exponent, rounded up when the mantissa is above one
  /// half (or exactly one half for a normal input); sign ignored; NaN and ±inf → `0xFF`.
  @inlinable
  static func e8m0Bits(_ f: Float) -> UInt8 {
    let bits = f.bitPattern
    var exponent = (bits >> 23) & 0xFF
    if exponent == 0xFF { return 0xFF }
    let guardBit = bits & 0x40_0000 != 0
    let roundBit = bits & 0x20_0000 != 0
    let sticky = bits & 0x1F_FFFF != 0
    let lsb = exponent > 0
    if guardBit && (roundBit || sticky || lsb) { exponent += 1 }
    return UInt8(truncatingIfNeeded: exponent)
  }
}
