public import ArgumentParser
public import ReproTensor

/// The floating dtypes `repro convert --dtype` casts a checkpoint's floating tensors to, as
/// `tensor.to(dtype)` takes them: the four classic ones and the five float8 formats.
public enum CastDTypeChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// `torch.float32`.
  case float32
  /// `torch.float16`.
  case float16
  /// `torch.bfloat16`.
  case bfloat16
  /// `torch.float64`.
  case float64
  /// `torch.float8_e4m3fn`.
  case float8E4M3FN = "float8_e4m3fn"
  /// `torch.float8_e5m2`.
  case float8E5M2 = "float8_e5m2"
  /// `torch.float8_e4m3fnuz`.
  case float8E4M3FNUZ = "float8_e4m3fnuz"
  /// `torch.float8_e5m2fnuz`.
  case float8E5M2FNUZ = "float8_e5m2fnuz"
  /// `torch.float8_e8m0fnu`.
  case float8E8M0FNU = "float8_e8m0fnu"

  /// The dtype (same name as PyTorch's).
  public var dtype: DType {
    switch self {
    case .float32: .float32
    case .float16: .float16
    case .bfloat16: .bfloat16
    case .float64: .float64
    case .float8E4M3FN: .float8E4M3FN
    case .float8E5M2: .float8E5M2
    case .float8E4M3FNUZ: .float8E4M3FNUZ
    case .float8E5M2FNUZ: .float8E5M2FNUZ
    case .float8E8M0FNU: .float8E8M0FNU
    }
  }
}
