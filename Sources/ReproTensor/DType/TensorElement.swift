/// A Swift type that can be an element of a tensor, with the dtype it corresponds to.
public protocol TensorElement: Sendable {
  /// The dtype whose elements have this Swift type's memory layout.
  static var dtype: DType { get }
}

extension Double: TensorElement {
  /// `.float64`.
  public static var dtype: DType { .float64 }
}
extension Float: TensorElement {
  /// `.float32`.
  public static var dtype: DType { .float32 }
}
extension Float16: TensorElement {
  /// `.float16`.
  public static var dtype: DType { .float16 }
}
extension BFloat16: TensorElement {
  /// `.bfloat16`.
  public static var dtype: DType { .bfloat16 }
}
extension Int8: TensorElement {
  /// `.int8`.
  public static var dtype: DType { .int8 }
}
extension UInt8: TensorElement {
  /// `.uint8`.
  public static var dtype: DType { .uint8 }
}
extension Int16: TensorElement {
  /// `.int16`.
  public static var dtype: DType { .int16 }
}
extension Int32: TensorElement {
  /// `.int32`.
  public static var dtype: DType { .int32 }
}
extension Int64: TensorElement {
  /// `.int64`.
  public static var dtype: DType { .int64 }
}
extension Bool: TensorElement {
  /// `.bool`.
  public static var dtype: DType { .bool }
}
extension UInt16: TensorElement {
  /// `.uint16`.
  public static var dtype: DType { .uint16 }
}
extension UInt32: TensorElement {
  /// `.uint32`.
  public static var dtype: DType { .uint32 }
}
extension UInt64: TensorElement {
  /// `.uint64`.
  public static var dtype: DType { .uint64 }
}

/// One element of any dtype, widened losslessly: floats to `Double` (float8, float16, bfloat16
/// and float32 are exact in a double), integers to `Int64` (uint64 values above `Int64.max` to
/// `UInt64`), complex as a pair of doubles.
public enum Scalar: Sendable, Hashable, CustomStringConvertible {
  case bool(Bool)
  case int(Int64)
  /// A uint64 element above `Int64.max` (smaller ones are `.int`), a Python int.
  case uint(UInt64)
  case float(Double)
  case complex(real: Double, imaginary: Double)

  /// The value as a double (bool → 0/1, complex → real part).
  public var doubleValue: Double {
    switch self {
    case .bool(let b): b ? 1 : 0
    case .int(let i): Double(i)
    case .uint(let u): Double(u)
    case .float(let d): d
    case .complex(let re, _): re
    }
  }

  /// Python's repr of the value (`True`, `3`, `0.5`, `nan`, `inf`, `(1+2j)`), as
  /// `PythonRepr.scalar(_:)`.
  public var description: String {
    PythonRepr.scalar(self)
  }

  /// Python's `repr(float)`: shortest round-trip digits, `nan`, `inf`, `-inf`, `1.0`, `1e-05`.
  ///
  /// Swift's `description` uses the same shortest-digits algorithm and the same switch to
  /// exponent form (below 1e-4, from 1e16 up), so only the non-finite spellings differ.
  public static func pythonRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    return d.description
  }
}
