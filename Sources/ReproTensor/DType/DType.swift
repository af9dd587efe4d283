/// The element type of a tensor: every dtype that PyTorch checkpoints use.
///
/// Each case knows its element size, its PyTorch name (`torch.float16` is `"float16"`), the
/// storage class that PyTorch's pickles name (`HalfStorage`) and its safetensors name (`F16`).
///
/// ```swift
/// let d = DType(pytorchName: "bfloat16")   // .bfloat16
/// d?.elementSize                           // 2
/// d?.storageClassName                      // "BFloat16Storage"
/// ```
public enum DType: String, CaseIterable, Sendable, Hashable, Codable {
  case float64, float32, float16, bfloat16
  case complex64, complex128
  case int8, uint8, int16, int32, int64
  case bool

  /// The size of one element in bytes.
  public var elementSize: Int {
    switch self {
    case .float64, .int64, .complex64: 8
    case .float32, .int32: 4
    case .float16, .bfloat16, .int16: 2
    case .int8, .uint8, .bool: 1
    case .complex128: 16
    }
  }

  /// The name PyTorch prints after `torch.` (`float32`, `bfloat16`, `bool`).
  public var pytorchName: String { rawValue }

  /// The legacy storage class name used in PyTorch pickles (`FloatStorage`, `HalfStorage`).
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
    }
  }

  /// The dtype string of the safetensors header (`F32`, `BF16`, `BOOL`, `C64`).
  public var safetensorsName: String {
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
    }
  }

  /// Looks a dtype up by its PyTorch name; accepts the `torch.` prefix and PyTorch's aliases
  /// (`float`, `double`, `half`, `long`, `int`, `short`, `cfloat`, `cdouble`).
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
    default: return nil
    }
  }

  /// Looks a dtype up by its legacy storage class name (`FloatStorage`).
  public init?(storageClassName name: String) {
    guard let d = DType.allCases.first(where: { $0.storageClassName == name }) else { return nil }
    self = d
  }

  /// Looks a dtype up by its safetensors name (`F16`).
  public init?(safetensorsName name: String) {
    guard let d = DType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
    self = d
  }

  /// Whether the dtype is a real floating-point type (float16, bfloat16, float32, float64).
  public var isFloatingPoint: Bool {
    switch self {
    case .float16, .bfloat16, .float32, .float64: true
    default: false
    }
  }

  /// Whether the dtype is complex64 or complex128.
  public var isComplex: Bool { self == .complex64 || self == .complex128 }

  /// Whether the dtype is an integer type (bool excluded).
  public var isInteger: Bool {
    switch self {
    case .int8, .uint8, .int16, .int32, .int64: true
    default: false
    }
  }
}

extension DType: CustomStringConvertible {
  /// `torch.float32` style, as PyTorch prints a dtype.
  public var description: String { "torch.\(rawValue)" }
}
