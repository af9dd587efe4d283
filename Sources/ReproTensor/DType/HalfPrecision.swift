/// Bit-exact conversions between float32 and the 16-bit float formats, as PyTorch 2.13 does them
/// on x86-64 (torch-rng.md §11).
public enum HalfPrecision {
  /// float32 → float16 bits: IEEE round-to-nearest-even; |x| ≥ 65520 → ±inf; subnormals rounded;
  /// NaN keeps its sign and top 10 payload bits with the quiet bit forced (F16C `vcvtps2ph`).
  @inlinable
  public static func float16Bits(from x: Float) -> UInt16 {
    let u = x.bitPattern
    if u & 0x7F80_0000 == 0x7F80_0000 && u & 0x007F_FFFF != 0 {
      return UInt16(truncatingIfNeeded: (u >> 16) & 0x8000) | 0x7E00
        | UInt16(truncatingIfNeeded: (u & 0x007F_FFFF) >> 13)
    }
    return Float16(x).bitPattern
  }

  /// float16 bits → float32: exact; subnormals normalised; NaN payload shifted left by 13 with
  /// the quiet bit set (`0x7C01` → `0x7FC02000`).
  @inlinable
  public static func float(fromFloat16Bits h: UInt16) -> Float {
    if h & 0x7C00 == 0x7C00 && h & 0x03FF != 0 {
      let sign = UInt32(h & 0x8000) << 16
      return Float(bitPattern: sign | 0x7FC0_0000 | (UInt32(h & 0x03FF) << 13))
    }
    return Float(Float16(bitPattern: h))
  }

  /// float32 → bfloat16 bits as `tensor.bfloat16()` does: round to nearest even on the bits
  /// (overflow to ±inf falls out), and every NaN becomes `0xFFFF` (the AVX2 vector cast).
  @inlinable
  public static func bfloat16Bits(from x: Float) -> UInt16 {
    if x.isNaN { return 0xFFFF }
    return bfloat16BitsRounding(x.bitPattern)
  }

  /// float32 → bfloat16 bits as the scalar `c10::BFloat16(float)` constructor does (used inside
  /// kernels such as `uniform_`): like `bfloat16Bits(from:)`, but NaN becomes `0x7FC0`.
  @inlinable
  public static func bfloat16BitsScalar(from x: Float) -> UInt16 {
    if x.isNaN { return 0x7FC0 }
    return bfloat16BitsRounding(x.bitPattern)
  }

  @inlinable
  static func bfloat16BitsRounding(_ u: UInt32) -> UInt16 {
    UInt16(truncatingIfNeeded: (u &+ 0x7FFF &+ ((u >> 16) & 1)) >> 16)
  }

  /// bfloat16 bits → float32: `bits << 16`, exact, NaN payload untouched.
  @inlinable
  public static func float(fromBFloat16Bits b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
  }
}

/// A bfloat16 value, stored as its 16 bits.
public struct BFloat16: Hashable, Sendable, CustomStringConvertible {
  /// The raw bits.
  public var bitPattern: UInt16
  /// Wraps raw bits.
  public init(bitPattern: UInt16) { self.bitPattern = bitPattern }
  /// Rounds a float32 as `tensor.bfloat16()` does.
  public init(_ value: Float) { bitPattern = HalfPrecision.bfloat16Bits(from: value) }
  /// The exact float32 value.
  public var floatValue: Float { HalfPrecision.float(fromBFloat16Bits: bitPattern) }
  /// The value printed as a float32.
  public var description: String { floatValue.description }
}
