public import ReproTensor

/// A mixed-precision scope, like `torch.autocast("cpu", dtype=…)`.
///
/// Inside `Autocast.$dtype.withValue(.bfloat16) { … }`, the ops of PyTorch's CPU
/// lower-precision list that ReproNN has (`linear`, `conv2d`, `matmul`) cast their floating
/// inputs (float64 excepted, as PyTorch) to the scope's dtype and return results in it; the
/// float32 list (`mse_loss`, `log_softmax`, `cross_entropy`) casts float16/bfloat16 inputs to
/// float32. Every other op runs in the dtypes of its inputs (batch norm, activations, pooling,
/// `+`, `**`, `mean`), exactly as under PyTorch's autocast. The casts are recorded, so
/// gradients flow back to float32 parameters in float32.
///
/// ```swift
/// let loss = try Autocast.$dtype.withValue(.bfloat16) {
///   try Losses.mseLoss(model(Variable(x)), Variable(y))
/// }
/// ```
public enum Autocast {
  /// The lower-precision dtype of the current scope (float16 or bfloat16), nil outside one.
  @TaskLocal public static var dtype: DType?

  /// `v` cast to the scope's dtype when a scope is active and `v` is an eligible floating
  /// variable (float32, float16, bfloat16); unchanged otherwise.
  public static func lowerPrecision(_ v: Variable) -> Variable {
    guard let dtype, isEligible(v) else { return v }
    return v.to(dtype)
  }

  /// `v` cast to float32 when a scope is active and `v` is float16 or bfloat16.
  public static func fullPrecision(_ v: Variable) -> Variable {
    guard dtype != nil, isEligible(v) else { return v }
    return v.to(.float32)
  }

  static func isEligible(_ v: Variable) -> Bool { v.dtype.isFloatingPoint && v.dtype != .float64 }
}
