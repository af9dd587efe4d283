/// Batch normalisation over dim 1 of [N, C, ...] input (`torch.batch_norm`), with PyTorch's CPU
/// formula order.
///
/// Training: per channel the mean is a float64 sum of the inputs divided by the count and
/// rounded to the compute type; the variance sum adds `(x - mean)²` (computed in the compute
/// type) in float64. `invstd = 1/sqrt(varSum/count + eps)` in float64. The output is
/// `x·α + β` with `α = invstd·weight`, `β = bias − mean·α` in the compute type. Running stats
/// become `momentum·stat + (1 − momentum)·running` in float64, with the unbiased variance
/// `varSum/(count − 1)`. Evaluation uses `invstd = 1/sqrt(running_var + eps)` in the compute type.
/// The compute type is float64 for float64 input and float32 otherwise (float16/bfloat16 round
/// once at the end).
extension Tensor {
  /// What a training-mode batch norm produces.
  public struct BatchNormResult: Sendable {
    /// The normalised output, in the input's dtype.
    public var output: Tensor
    /// The batch mean per channel (`save_mean`), in the compute type.
    public var mean: Tensor
    /// `1/sqrt(biased var + eps)` per channel (`save_invstd`), in the compute type.
    public var invstd: Tensor
    /// The updated running mean, nil when none was given.
    public var runningMean: Tensor?
    /// The updated running variance, nil when none was given.
    public var runningVar: Tensor?
  }

  private static func batchNormLayout(_ input: Tensor, _ op: String) throws(TensorError) -> (
    n: Int, c: Int, inner: Int
  ) {
    guard input.rank >= 2 else {
      throw TensorError(
        .shapeMismatch, "\(op): expected at least 2-D input [N, C, ...], got \(input.shape)")
    }
    guard input.dtype.isFloatingPoint, !input.dtype.isFloat8 else {
      throw TensorError(
        .unsupportedDType,
        "\(op): dtype \(input.dtype.pytorchName) is not supported (floating dtypes only)")
    }
    return (input.shape[0], input.shape[1], input.shape.dropFirst(2).reduce(1, *))
  }

  /// Checks that each of the named per-channel tensors present has `c` elements.
  private static func checkChannels(_ tensors: [(Tensor?, String)], _ c: Int, _ op: String)
    throws(TensorError)
  {
    for case (let t?, let name) in tensors where t.count != c {
      throw TensorError(
        .shapeMismatch, "\(op): \(name) has \(t.count) elements, expected \(c) (one per channel)")
    }
  }

  /// Batch norm in training mode (`F.batch_norm(training=True)`), returning the output, the
  /// saved statistics and the updated running stats.
  ///
  /// - Parameters:
  ///   - momentum: the running-average factor (PyTorch passes `1/num_batches_tracked` for
  ///     `momentum=None`).
  /// - Throws: `.shapeMismatch` for a channel-count mismatch, `.invalidArgument` when a channel
  ///   has a single value ("Expected more than 1 value per channel when training").
  public static func batchNormTraining(
    _ input: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor?, runningVar: Tensor?,
    momentum: Double, eps: Double
  ) throws(TensorError) -> BatchNormResult {
    let op = "batch_norm"
    let (n, c, inner) = try batchNormLayout(input, op)
    try checkChannels(
      [
        (weight, "weight"), (bias, "bias"), (runningMean, "running_mean"),
        (runningVar, "running_var"),
      ],
      c, op)
    let count = n * inner
    guard count > 1 else {
      throw TensorError(
        .invalidArgument,
        "Expected more than 1 value per channel when training, got input size \(input.shape)")
    }
    func run<C: KernelFloat>(_: C.Type) -> BatchNormResult {
      var meanD = [Double](repeating: 0, count: c)
      var varSum = [Double](repeating: 0, count: c)
      var meanC = [C](repeating: .kernelZero, count: c)
      var invstdC = [C](repeating: .kernelZero, count: c)
      unsafe withContiguousValues(input, C.self) { px in
        for ch in 0..<c {
          var sum = 0.0
          for b in 0..<n {
            let p = unsafe px + (b * c + ch) * inner
            for i in 0..<inner { unsafe sum += p[i].kernelDouble }
          }
          let mean = C(kernelDouble: sum / Double(count))
          var vs = 0.0
          for b in 0..<n {
            let p = unsafe px + (b * c + ch) * inner
            for i in 0..<inner {
              let d = unsafe C.kernelSub(p[i], mean)
              vs += C.kernelMul(d, d).kernelDouble
            }
          }
          let vsC = C(kernelDouble: vs)  // var_sum is stored in the compute type
          meanC[ch] = mean
          meanD[ch] = mean.kernelDouble
          varSum[ch] = vsC.kernelDouble
          invstdC[ch] = C(kernelDouble: 1 / (varSum[ch] / Double(count) + eps).squareRoot())
        }
      }
      let output = normalize(
        input, n: n, c: c, inner: inner, mean: meanC, invstd: invstdC, weight: weight, bias: bias,
        C.self)
      func updated(_ running: Tensor?, _ stat: (Int) -> Double) -> Tensor? {
        guard let running else { return nil }
        let old = running.doubles()
        let values = (0..<c).map { momentum * stat($0) + (1 - momentum) * old[$0] }
        return Tensor(values, shape: running.shape).to(running.dtype).tagged(running.device)
      }
      return BatchNormResult(
        output: output,
        mean: Tensor(meanC.map(\.kernelDouble), shape: [c]).to(C.naturalDType),
        invstd: Tensor(invstdC.map(\.kernelDouble), shape: [c]).to(C.naturalDType),
        runningMean: updated(runningMean) { meanD[$0] },
        runningVar: updated(runningVar) { varSum[$0] / Double(count - 1) })
    }
    return input.dtype == .float64 ? run(Double.self) : run(Float.self)
  }

  /// Batch norm in evaluation mode (`F.batch_norm(training=False)`): normalises with the
  /// running statistics, `invstd = 1/sqrt(running_var + eps)` in the compute type.
  ///
  /// - Throws: `.shapeMismatch` for a channel-count mismatch.
  public static func batchNormInference(
    _ input: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
    eps: Double
  ) throws(TensorError) -> Tensor {
    let op = "batch_norm"
    let (n, c, inner) = try batchNormLayout(input, op)
    try checkChannels(
      [
        (weight, "weight"), (bias, "bias"), (runningMean, "running_mean"),
        (runningVar, "running_var"),
      ],
      c, op)
    func run<C: KernelFloat>(_: C.Type) -> Tensor {
      let mean = runningMean.kernelValues(C.self)
      let invstd = runningVar.kernelValues(C.self).map {
        1 / C.kernelAdd($0, C(kernelDouble: eps)).squareRoot()
      }
      return normalize(
        input, n: n, c: c, inner: inner, mean: mean, invstd: invstd, weight: weight, bias: bias,
        C.self)
    }
    return input.dtype == .float64 ? run(Double.self) : run(Float.self)
  }

  private static func normalize<C: KernelFloat>(
    _ input: Tensor, n: Int, c: Int, inner: Int, mean: [C], invstd: [C], weight: Tensor?,
    bias: Tensor?, _: C.Type
  ) -> Tensor {
    let w = weight?.kernelValues(C.self)
    let b = bias?.kernelValues(C.self)
    var alpha = [C](repeating: .kernelZero, count: c)
    var beta = alpha
    for ch in 0..<c {
      alpha[ch] = C.kernelMul(invstd[ch], w?[ch] ?? C(kernelDouble: 1))
      beta[ch] = C.kernelSub(b?[ch] ?? .kernelZero, C.kernelMul(mean[ch], alpha[ch]))
    }
    return unsafe makeComputed(C.self, shape: input.shape, dtype: input.dtype, device: input.device)
    {
      out, _ in
      unsafe withContiguousValues(input, C.self) { px in
        for bt in 0..<n {
          for ch in 0..<c {
            let off = (bt * c + ch) * inner
            let a = alpha[ch]
            let be = beta[ch]
            for i in 0..<inner {
              unsafe out[off + i] = unsafe C.kernelAdd(C.kernelMul(px[off + i], a), be)
            }
          }
        }
      }
    }
  }

  /// The gradients of training-mode batch norm (`native_batch_norm_backward`, train=True):
  /// `dx = (dy − mean(dy) − (x − mean)·k)·invstd·w` with `k = Σ(x − mean)dy · invstd² / count`,
  /// `dweight = Σ(x − mean)dy · invstd`, `dbias = Σdy`; the sums accumulate in float64.
  ///
  /// - Parameters:
  ///   - mean, invstd: the statistics `batchNormTraining` returned.
  ///   - needs: which of (input, weight, bias) gradients to compute.
  /// - Throws: `.shapeMismatch` when the shapes disagree.
  public static func batchNormBackward(
    gradOutput: Tensor, input: Tensor, weight: Tensor?, mean: Tensor, invstd: Tensor,
    needs: (input: Bool, weight: Bool, bias: Bool) = (true, true, true)
  ) throws(TensorError) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
    let op = "batch_norm_backward"
    let (n, c, inner) = try batchNormLayout(input, op)
    guard gradOutput.shape == input.shape else {
      throw TensorError(
        .shapeMismatch, "\(op): grad_output \(gradOutput.shape) differs from input \(input.shape)")
    }
    try checkChannels([(weight, "weight"), (mean, "mean"), (invstd, "invstd")], c, op)
    let count = n * inner
    func run<C: KernelFloat>(_: C.Type) -> (Tensor?, Tensor?, Tensor?) {
      let m = mean.kernelValues(C.self)
      let s = invstd.kernelValues(C.self)
      let w = weight?.kernelValues(C.self)
      var sums = [C](repeating: .kernelZero, count: c)
      var dots = sums
      var gradInput: Tensor?
      unsafe withContiguousValues(input, C.self) { px in
        unsafe withContiguousValues(gradOutput, C.self) { pg in
          for ch in 0..<c {
            var sum = 0.0
            var dot = 0.0
            for b in 0..<n {
              let off = (b * c + ch) * inner
              for i in 0..<inner {
                let dy = unsafe pg[off + i].kernelDouble
                sum += dy
                unsafe dot += C.kernelSub(px[off + i], m[ch]).kernelDouble * dy
              }
            }
            sums[ch] = C(kernelDouble: sum)
            dots[ch] = C(kernelDouble: dot)
          }
          guard needs.input else { return }
          gradInput = unsafe makeComputed(
            C.self, shape: input.shape, dtype: input.dtype, device: input.device
          ) { out, _ in
            for ch in 0..<c {
              let k = C.kernelDiv(
                C.kernelMul(C.kernelMul(dots[ch], s[ch]), s[ch]), C(kernelInt: Int64(count)))
              let gradMean = C.kernelDiv(sums[ch], C(kernelInt: Int64(count)))
              let scale = C.kernelMul(s[ch], w?[ch] ?? C(kernelDouble: 1))
              for b in 0..<n {
                let off = (b * c + ch) * inner
                for i in 0..<inner {
                  let dx = unsafe C.kernelMul(C.kernelSub(px[off + i], m[ch]), k)
                  unsafe out[off + i] = unsafe C.kernelMul(
                    C.kernelSub(C.kernelSub(pg[off + i], gradMean), dx), scale)
                }
              }
            }
          }
        }
      }
      let paramType = weight?.dtype ?? C.naturalDType
      let gw =
        needs.weight
        ? Tensor((0..<c).map { C.kernelMul(dots[$0], s[$0]).kernelDouble }, shape: [c]).to(
          paramType) : nil
      let gb = needs.bias ? Tensor(sums.map(\.kernelDouble), shape: [c]).to(paramType) : nil
      return (gradInput, gw, gb)
    }
    return input.dtype == .float64 ? run(Double.self) : run(Float.self)
  }
}

extension KernelFloat {
  /// The value widened (or kept) as float64.
  fileprivate var kernelDouble: Double { Double(self) }
}
