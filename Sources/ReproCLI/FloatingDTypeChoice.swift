public import ArgumentParser
public import ReproTensor

/// The floating dtypes a model or checkpoint can be cast to (`--dtype` of `repro generate` and
/// `repro convert`), as `tensor.to(dtype)` takes them.
public enum FloatingDTypeChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// `torch.float32`.
  case float32
  /// `torch.float16`.
  case float16
  /// `torch.bfloat16`.
  case bfloat16
  /// `torch.float64`.
  case float64

  /// The dtype.
  public var dtype: DType {
    switch self {
    case .float32: .float32
    case .float16: .float16
    case .bfloat16: .bfloat16
    case .float64: .float64
    }
  }
}

/// The dtypes CPU autocast runs in (`repro train --amp`), as `torch.autocast("cpu", dtype=)`
/// takes them; float16 adds a GradScaler.
public enum AutocastDTypeChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// `torch.float16`, with a `GradScaler("cpu")`.
  case float16
  /// `torch.bfloat16`.
  case bfloat16

  /// The dtype.
  public var dtype: DType {
    switch self {
    case .float16: .float16
    case .bfloat16: .bfloat16
    }
  }
}

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
