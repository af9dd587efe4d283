public import ReproTensor

/// Batch normalisation over the channels of NCHW input (`nn.BatchNorm2d`), `_version` 2.
///
/// No random draws: weight 1, bias 0, running_mean 0, running_var 1, and `num_batches_tracked` a
/// 0-d int64 0, registered in PyTorch's order.
public final class BatchNorm2d: Module {
  /// Channels.
  public let numFeatures: Int
  /// Added to the variance.
  public let eps: Double
  /// Running-average factor; nil means a cumulative average (`momentum=None`).
  public let momentum: Double?
  /// Whether weight and bias exist.
  public let isAffine: Bool
  /// Whether running statistics are kept.
  public let tracksRunningStats: Bool

  /// Creates the layer.
  public init(
    _ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
    trackRunningStats: Bool = true, dtype: DType = .float32
  ) {
    self.numFeatures = numFeatures
    self.eps = eps
    self.momentum = momentum
    self.isAffine = affine
    self.tracksRunningStats = trackRunningStats
    super.init(typeName: "BatchNorm2d", version: 2)
    if affine {
      registerParameter("weight", Parameter(Initializers.filled([numFeatures], 1, dtype: dtype)))
      registerParameter("bias", Parameter(Tensor(zeros: [numFeatures], dtype: dtype)))
    } else {
      registerParameter("weight", nil)
      registerParameter("bias", nil)
    }
    if trackRunningStats {
      registerBuffer("running_mean", Tensor(zeros: [numFeatures], dtype: dtype))
      registerBuffer("running_var", Initializers.filled([numFeatures], 1, dtype: dtype))
      registerBuffer("num_batches_tracked", Tensor(scalar: Int64(0)))
    } else {
      registerBuffer("running_mean", nil)
      registerBuffer("running_var", nil)
      registerBuffer("num_batches_tracked", nil)
    }
  }
}
