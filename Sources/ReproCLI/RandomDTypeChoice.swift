public import ArgumentParser
public import ReproTensor

/// The dtypes `repro random` draws in.
public enum RandomDTypeChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// `torch.float32`.
  case float32
  /// `torch.float64`.
  case float64
  /// `torch.float16`.
  case float16
  /// `torch.bfloat16`.
  case bfloat16
  /// `torch.int64`.
  case int64
  /// `torch.int32`.
  case int32
  /// `torch.int16`.
  case int16
  /// `torch.int8`.
  case int8
  /// `torch.uint8`.
  case uint8

  /// The dtype.
  public var dtype: DType {
    switch self {
    case .float32: .float32
    case .float64: .float64
    case .float16: .float16
    case .bfloat16: .bfloat16
    case .int64: .int64
    case .int32: .int32
    case .int16: .int16
    case .int8: .int8
    case .uint8: .uint8
    }
  }
}
