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

  /// `nn.BatchNorm2d.forward`: in training (or without running stats) normalises with the batch
  /// statistics and, when tracking, adds 1 to `num_batches_tracked` and updates the running
  /// stats with `momentum` (or `1/num_batches_tracked` when `momentum` is nil); in evaluation
  /// uses the running stats.
  ///
  /// - Throws: `NNError` `.shapeMismatch` unless the input is 4-D with `numFeatures` channels, plus the
  ///   kernels' errors (a channel with a single value in training).
  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count == 4 else {
      throw NNError(.shapeMismatch, "expected 4D input (got \(input.shape.count)D input)")
    }
    guard input.shape[1] == numFeatures else {
      throw NNError(
        .shapeMismatch, "BatchNorm2d(\(numFeatures)): input has \(input.shape[1]) channels")
    }
    let weight = parameter("weight").map { Variable($0) }
    let bias = parameter("bias").map { Variable($0) }
    let runningMean = buffer("running_mean")
    let runningVar = buffer("running_var")
    if !isTraining, let runningMean, let runningVar {
      return try Variable.batchNormInference(
        input, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
        eps: eps)
    }
    var factor = momentum ?? 0
    if isTraining && tracksRunningStats, let tracked = buffer("num_batches_tracked") {
      let count = (tracked.doubles().first ?? 0) + 1
      setBuffer("num_batches_tracked", Tensor(scalar: Int64(count)).tagged(tracked.device))
      if momentum == nil { factor = 1 / count }
    }
    let updates = isTraining
    let r = try Variable.batchNormTraining(
      input, weight: weight, bias: bias, runningMean: updates ? runningMean : nil,
      runningVar: updates ? runningVar : nil,
      momentum: factor, eps: eps)
    if let m = r.runningMean { setBuffer("running_mean", m) }
    if let v = r.runningVar { setBuffer("running_var", v) }
    return r.output
  }
}
