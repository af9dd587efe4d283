extension Generator {
  /// The scaled keep-mask of PyTorch's CPU dropout (`_dropout_impl`).
  ///
  /// A tensor laid out like `x` is filled by `bernoulli_(1 − p)` (one 53-bit uniform per
  /// element, in memory order), then divided by `1 − p`. `x * noise` is `dropout(x, p)` bit for bit, and `grad * noise` its
  /// gradient. `p == 1` gives zeros and draws nothing.
  ///
  /// - Throws: `.invalidArgument` when `p` is outside [0, 1], `.unsupportedDType` for dtypes
  ///   other than float32 and float64.
  public func dropoutNoise(like x: Tensor, p: Double) throws(TensorError) -> Tensor {
    try Generator.checkDropout(p: p, dtype: x.dtype)
    let strides = x.isNonOverlappingAndDense ? x.strides : Tensor.contiguousStrides(for: x.shape)
    let mask = Tensor(
      unchecked: Storage(byteCount: x.count * x.dtype.elementSize), dtype: x.dtype, shape: x.shape,
      strides: strides, storageOffset: 0, device: x.device, requiresGrad: false)
    if p == 1 || x.count == 0 { return mask }
    try fillBernoulli(mask, p: 1 - p)
    return try mask.div(1 - p)
  }

  /// The checks of `dropout` and `dropoutNoise`: `p` in [0, 1], a float32 or float64 input.
  static func checkDropout(p: Double, dtype: DType) throws(TensorError) {
    guard p >= 0 && p <= 1 else {
      throw TensorError(
        .invalidArgument, "dropout probability has to be between 0 and 1, but got \(p)")
    }
    guard dtype == .float32 || dtype == .float64 else {
      throw TensorError(
        .unsupportedDType,
        "dropout is implemented for float32 and float64, not \(dtype.pytorchName)")
    }
  }
}
