import ReproTensor

/// How the comparison loops read one real floating-point dtype from raw bytes: its bit pattern,
/// whether that is a NaN, and its value as float32 and float64 (exactly as `Tensor.to` converts).
///
/// The loops in `ElementwiseDifference+Real.swift` are generic over this protocol and
/// specialised per dtype by the optimiser, so no element goes through a dynamic dispatch.
protocol RealLane {
  /// The unsigned integer type of the bit pattern.
  associatedtype Bits: FixedWidthInteger & UnsignedInteger
  /// The bits of element `i` (unaligned load).
  static func bits(_ base: UnsafeRawPointer, _ i: Int) -> Bits
  /// Whether the bits are a NaN.
  static func isNaN(_ bits: Bits) -> Bool
  /// Whether the bits are an infinity or a NaN (every exponent bit set).
  static func isNonFinite(_ bits: Bits) -> Bool
  /// The value as float32 (exact for the 16-bit formats; float64 does not use it).
  static func float(_ bits: Bits) -> Float
  /// The value as float64, as `Tensor.to(.float64)` converts it.
  static func double(_ bits: Bits) -> Double
}

/// float16: 1 sign, 5 exponent, 10 mantissa bits.
enum Float16Lane: RealLane {
  @inline(__always) static func bits(_ base: UnsafeRawPointer, _ i: Int) -> UInt16 {
    unsafe base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
  }
  @inline(__always) static func isNaN(_ bits: UInt16) -> Bool { bits & 0x7FFF > 0x7C00 }
  @inline(__always) static func isNonFinite(_ bits: UInt16) -> Bool { bits & 0x7C00 == 0x7C00 }
  /// `HalfPrecision.float(fromFloat16Bits:)` in integer arithmetic, inline (Swift's `Float16`
  /// conversion is a library call on x86-64 without F16C): normal numbers re-bias the exponent,
  /// subnormals are `mantissa · 2^-24` (exact), NaN keeps its payload with the quiet bit set.
  @inline(__always) static func float(_ bits: UInt16) -> Float {
    let h = UInt32(bits)
    let sign = (h & 0x8000) << 16
    let exponent = (h >> 10) & 0x1F
    let mantissa = h & 0x3FF
    if exponent == 0x1F {
      return Float(bitPattern: sign | (mantissa == 0 ? 0x7F80_0000 : 0x7FC0_0000 | mantissa << 13))
    }
    if exponent == 0 {
      let magnitude = Float(mantissa) * 0x1p-24
      return sign == 0 ? magnitude : -magnitude
    }
    return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
  }
  @inline(__always) static func double(_ bits: UInt16) -> Double { Double(float(bits)) }
}

/// bfloat16: 1 sign, 8 exponent, 7 mantissa bits (the top half of a float32).
enum BFloat16Lane: RealLane {
  @inline(__always) static func bits(_ base: UnsafeRawPointer, _ i: Int) -> UInt16 {
    unsafe base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)
  }
  @inline(__always) static func isNaN(_ bits: UInt16) -> Bool { bits & 0x7FFF > 0x7F80 }
  @inline(__always) static func isNonFinite(_ bits: UInt16) -> Bool { bits & 0x7F80 == 0x7F80 }
  @inline(__always) static func float(_ bits: UInt16) -> Float {
    HalfPrecision.float(fromBFloat16Bits: bits)
  }
  @inline(__always) static func double(_ bits: UInt16) -> Double { Double(float(bits)) }
}

/// float32.
enum Float32Lane: RealLane {
  @inline(__always) static func bits(_ base: UnsafeRawPointer, _ i: Int) -> UInt32 {
    unsafe base.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)
  }
  @inline(__always) static func isNaN(_ bits: UInt32) -> Bool { bits & 0x7FFF_FFFF > 0x7F80_0000 }
  @inline(__always) static func isNonFinite(_ bits: UInt32) -> Bool {
    bits & 0x7F80_0000 == 0x7F80_0000
  }
  @inline(__always) static func float(_ bits: UInt32) -> Float { Float(bitPattern: bits) }
  @inline(__always) static func double(_ bits: UInt32) -> Double {
    Double(Float(bitPattern: bits))
  }
}

/// float64.
enum Float64Lane: RealLane {
  @inline(__always) static func bits(_ base: UnsafeRawPointer, _ i: Int) -> UInt64 {
    unsafe base.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
  }
  @inline(__always) static func isNaN(_ bits: UInt64) -> Bool {
    bits & 0x7FFF_FFFF_FFFF_FFFF > 0x7FF0_0000_0000_0000
  }
  @inline(__always) static func isNonFinite(_ bits: UInt64) -> Bool {
    bits & 0x7FF0_0000_0000_0000 == 0x7FF0_0000_0000_0000
  }
  @inline(__always) static func float(_ bits: UInt64) -> Float { Float(Double(bitPattern: bits)) }
  @inline(__always) static func double(_ bits: UInt64) -> Double { Double(bitPattern: bits) }
}

/// The 256 values of one float8 format, decoded once (``ReproTensor/Float8Codec``, as
/// `Tensor.to(.float32)` decodes them).
protocol Float8Values {
  static var values: [Float] { get }
}

/// A float8 format read through its table: the comparison of a float8 tensor upcast to float64
/// (`repro compare` of float8 against another float dtype) without a float64 copy.
enum Float8Lane<Format: Float8Values>: RealLane {
  @inline(__always) static func bits(_ base: UnsafeRawPointer, _ i: Int) -> UInt8 {
    unsafe base.load(fromByteOffset: i, as: UInt8.self)
  }
  @inline(__always) static func isNaN(_ bits: UInt8) -> Bool { float(bits).isNaN }
  @inline(__always) static func isNonFinite(_ bits: UInt8) -> Bool { !float(bits).isFinite }
  @inline(__always) static func float(_ bits: UInt8) -> Float { Format.values[Int(bits)] }
  @inline(__always) static func double(_ bits: UInt8) -> Double { Double(float(bits)) }
}

private func decodedFloat8(_ dtype: DType) -> [Float] {
  (0...255).map { Float8Codec.float(fromBits: UInt8($0), of: dtype) }
}

enum Float8E4M3FNValues: Float8Values { static let values = decodedFloat8(.float8E4M3FN) }
enum Float8E5M2Values: Float8Values { static let values = decodedFloat8(.float8E5M2) }
enum Float8E4M3FNUZValues: Float8Values { static let values = decodedFloat8(.float8E4M3FNUZ) }
enum Float8E5M2FNUZValues: Float8Values { static let values = decodedFloat8(.float8E5M2FNUZ) }
enum Float8E8M0FNUValues: Float8Values { static let values = decodedFloat8(.float8E8M0FNU) }

/// Work done with the lane of a dtype chosen at run time, specialized for each lane (the loops
/// behind it must not go through the protocol per element).
protocol RealLaneVisitor {
  mutating func visit<L: RealLane>(_ lane: L.Type)
}

extension DType {
  /// Calls `visitor.visit` with this dtype's lane: float16, bfloat16, float32, a float8 format's
  /// table, or float64's for any other dtype.
  func visitRealLane<V: RealLaneVisitor>(_ visitor: inout V) {
    switch self {
    case .float16: visitor.visit(Float16Lane.self)
    case .bfloat16: visitor.visit(BFloat16Lane.self)
    case .float32: visitor.visit(Float32Lane.self)
    case .float8E4M3FN: visitor.visit(Float8Lane<Float8E4M3FNValues>.self)
    case .float8E5M2: visitor.visit(Float8Lane<Float8E5M2Values>.self)
    case .float8E4M3FNUZ: visitor.visit(Float8Lane<Float8E4M3FNUZValues>.self)
    case .float8E5M2FNUZ: visitor.visit(Float8Lane<Float8E5M2FNUZValues>.self)
    case .float8E8M0FNU: visitor.visit(Float8Lane<Float8E8M0FNUValues>.self)
    default: visitor.visit(Float64Lane.self)
    }
  }
}

/// How a float32 result is rounded back to the compared dtype (ATen computes float16 and
/// bfloat16 operations in float32 and rounds each result to the 16-bit type).
protocol LaneRounding {
  /// The value rounded to the dtype and widened back to float32.
  static func round(_ x: Float) -> Float
}

/// float32 arithmetic: no rounding.
enum NoRounding: LaneRounding {
  @inline(__always) static func round(_ x: Float) -> Float { x }
}

/// Rounds to float16 (round to nearest even).
enum Float16Rounding: LaneRounding {
  @inline(__always) static func round(_ x: Float) -> Float {
    HalfPrecision.float(fromFloat16Bits: HalfPrecision.float16Bits(from: x))
  }
}

/// Rounds to bfloat16 as the scalar `c10::BFloat16(float)` constructor does.
enum BFloat16Rounding: LaneRounding {
  @inline(__always) static func round(_ x: Float) -> Float {
    HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16BitsScalar(from: x))
  }
}
