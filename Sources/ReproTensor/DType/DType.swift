/// The element type of a tensor: every dtype that PyTorch checkpoints use.
///
/// Each case knows its element size, its PyTorch name (`torch.float16` is `"float16"`), the
/// storage class that PyTorch's pickles name (`HalfStorage`) and its safetensors name (`F16`).
///
/// The twelve classic dtypes are pickled with a typed legacy storage class and
/// `torch._utils._rebuild_tensor_v2`. The dtypes PyTorch added later (the five float8 formats,
/// uint16/32/64 and complex32) have no storage class: torch 2.13 pickles their bytes as a
/// `torch.storage.UntypedStorage` (element count = byte count) and names the dtype as the last
/// argument of `torch._utils._rebuild_tensor_v3` (``usesUntypedStorage``).
///
/// ```swift
/// let d = DType(pytorchName: "bfloat16")   // .bfloat16
/// d?.elementSize                           // 2
/// d?.storageClassName                      // "BFloat16Storage"
/// DType(safetensorsName: "F8_E4M3")        // .float8E4M3FN
/// ```
public enum DType: String, CaseIterable, Sendable, Hashable, Codable {
  case float64, float32, float16, bfloat16
  case complex64, complex128
  case int8, uint8, int16, int32, int64
  case bool
  /// 8-bit float, 4 exponent bits (bias 7), 3 mantissa bits, no infinities, NaN `0x7F`/`0xFF`,
  /// largest finite 448. The corresponding PyTorch dtype is `torch.float8_e4m3fn`.
  case float8E4M3FN = "float8_e4m3fn"
  /// 8-bit float, 5 exponent bits (bias 15), 2 mantissa bits, IEEE-style infinities and NaNs,
  /// largest finite 57344. The corresponding PyTorch dtype is `torch.float8_e5m2`.
  case float8E5M2 = "float8_e5m2"
  /// 8-bit float, 4 exponent bits (bias 8), 3 mantissa bits, no infinities, no negative zero,
  /// one NaN `0x80`, largest finite 240. The corresponding PyTorch dtype is
  /// `torch.float8_e4m3fnuz`.
  case float8E4M3FNUZ = "float8_e4m3fnuz"
  /// 8-bit float, 5 exponent bits (bias 16), 2 mantissa bits, no infinities, no negative zero,
  /// one NaN `0x80`, largest finite 57344. The corresponding PyTorch dtype is
  /// `torch.float8_e5m2fnuz`.
  case float8E5M2FNUZ = "float8_e5m2fnuz"
  /// 8-bit unsigned power of two: 8 exponent bits (bias 127), no sign, no mantissa, value
  /// 2^(bits − 127), NaN `0xFF`. The corresponding PyTorch dtype is `torch.float8_e8m0fnu`.
  case float8E8M0FNU = "float8_e8m0fnu"
  /// Unsigned 16-bit integer. The corresponding PyTorch dtype is `torch.uint16`.
  case uint16
  /// Unsigned 32-bit integer. The corresponding PyTorch dtype is `torch.uint32`.
  case uint32
  /// Unsigned 64-bit integer. The corresponding PyTorch dtype is `torch.uint64`.
  case uint64
  /// Complex number of two float16 parts (real, imaginary). The corresponding PyTorch dtype is
  /// `torch.complex32` (alias `torch.chalf`).
  case complex32

  /// The size of one element in bytes.
  public var elementSize: Int {
    switch self {
    case .float64, .int64, .complex64, .uint64: 8
    case .float32, .int32, .uint32, .complex32: 4
    case .float16, .bfloat16, .int16, .uint16: 2
    case .int8, .uint8, .bool: 1
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU: 1
    case .complex128: 16
    }
  }

  /// The name PyTorch prints after `torch.` (`float32`, `bfloat16`, `float8_e4m3fn`).
  public var pytorchName: String { rawValue }

  /// Whether torch 2.13 pickles tensors of this dtype through an untyped byte storage
  /// (`torch.storage.UntypedStorage`) and `torch._utils._rebuild_tensor_v3` with the dtype as
  /// the seventh argument (`torch.storage._new_dtypes()`): the float8 formats, uint16/32/64 and
  /// complex32.
  public var usesUntypedStorage: Bool {
    switch self {
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU, .uint16,
      .uint32, .uint64, .complex32:
      true
    default: false
    }
  }

  /// The storage class name used in PyTorch pickles (`FloatStorage`, `HalfStorage`);
  /// `UntypedStorage` (module `torch.storage`) for the dtypes that have none
  /// (``usesUntypedStorage``).
  public var storageClassName: String {
    switch self {
    case .float64: "DoubleStorage"
    case .float32: "FloatStorage"
    case .float16: "HalfStorage"
    case .bfloat16: "BFloat16Storage"
    case .complex64: "ComplexFloatStorage"
    case .complex128: "ComplexDoubleStorage"
    case .int8: "CharStorage"
    case .uint8: "ByteStorage"
    case .int16: "ShortStorage"
    case .int32: "IntStorage"
    case .int64: "LongStorage"
    case .bool: "BoolStorage"
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU, .uint16,
      .uint32, .uint64, .complex32:
      "UntypedStorage"
    }
  }

  /// The dtype string of the safetensors header (`F32`, `BF16`, `BOOL`, `C64`, `F8_E4M3`).
  ///
  /// It is nil for complex32, which safetensors 0.8 cannot store (`safetensors.torch.save_file`
  /// raises `KeyError: torch.complex32`). complex128 has the name `C128` here, but the format
  /// refuses it (see `SafeTensorsFile`).
  public var safetensorsName: String? {
    switch self {
    case .float64: "F64"
    case .float32: "F32"
    case .float16: "F16"
    case .bfloat16: "BF16"
    case .complex64: "C64"
    case .complex128: "C128"
    case .int8: "I8"
    case .uint8: "U8"
    case .int16: "I16"
    case .int32: "I32"
    case .int64: "I64"
    case .bool: "BOOL"
    case .float8E4M3FN: "F8_E4M3"
    case .float8E5M2: "F8_E5M2"
    case .float8E4M3FNUZ: "F8_E4M3FNUZ"
    case .float8E5M2FNUZ: "F8_E5M2FNUZ"
    case .float8E8M0FNU: "F8_E8M0"
    case .uint16: "U16"
    case .uint32: "U32"
    case .uint64: "U64"
    case .complex32: nil
    }
  }

  /// Looks a dtype up by its PyTorch name; accepts the `torch.` prefix and PyTorch's aliases
  /// (`float`, `double`, `half`, `long`, `int`, `short`, `cfloat`, `cdouble`, `chalf`).
  public init?(pytorchName name: String) {
    let bare = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
    if let d = DType(rawValue: bare) {
      self = d
      return
    }
    switch bare {
    case "float": self = .float32
    case "double": self = .float64
    case "half": self = .float16
    case "long": self = .int64
    case "int": self = .int32
    case "short": self = .int16
    case "cfloat": self = .complex64
    case "cdouble": self = .complex128
    case "chalf": self = .complex32
    default: return nil
    }
  }

  /// Looks a dtype up by its legacy storage class name (`FloatStorage`); nil for
  /// `UntypedStorage`, which names no dtype.
  public init?(storageClassName name: String) {
    guard
      let d = DType.allCases.first(where: {
        !$0.usesUntypedStorage && $0.storageClassName == name
      })
    else { return nil }
    self = d
  }

  /// Looks a dtype up by its safetensors name (`F16`, `F8_E4M3`).
  public init?(safetensorsName name: String) {
    guard let d = DType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
    self = d
  }

  /// Whether the dtype is a real floating-point type: float16, bfloat16, float32, float64 and
  /// the five float8 formats (`torch.dtype.is_floating_point`).
  public var isFloatingPoint: Bool {
    switch self {
    case .float16, .bfloat16, .float32, .float64: true
    default: isFloat8
    }
  }

  /// Whether the dtype is one of the five 8-bit float formats.
  public var isFloat8: Bool {
    switch self {
    case .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU: true
    default: false
    }
  }

  /// Whether the dtype is complex32, complex64 or complex128.
  public var isComplex: Bool { self == .complex32 || self == .complex64 || self == .complex128 }

  /// Whether the dtype is an integer type (bool excluded).
  public var isInteger: Bool {
    switch self {
    case .int8, .uint8, .int16, .int32, .int64, .uint16, .uint32, .uint64: true
    default: false
    }
  }
}

extension DType: CustomStringConvertible {
  /// `torch.float32` style, as PyTorch prints a dtype.
  public var description: String { "torch.\(rawValue)" }
}
