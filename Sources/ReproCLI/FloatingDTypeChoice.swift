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
