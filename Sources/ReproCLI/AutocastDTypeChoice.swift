public import ArgumentParser
public import ReproTensor

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
