public import ReproTensor

extension Variable {
  /// Training-mode batch norm (`F.batch_norm(training=True)`): normalises with the batch
  /// statistics and returns the updated running stats (nil when none were given).
  ///
  /// - Throws: the errors of `Tensor.batchNormTraining`.
  public static func batchNormTraining(
    _ input: Variable, weight: Variable?, bias: Variable?, runningMean: Tensor?,
    runningVar: Tensor?,
    momentum: Double, eps: Double
  ) throws -> (output: Variable, runningMean: Tensor?, runningVar: Tensor?) {
    let x = input.value
    let w = weight?.value
    let r = try Tensor.batchNormTraining(
      x, weight: w, bias: bias?.value, runningMean: runningMean, runningVar: runningVar,
      momentum: momentum, eps: eps)
    let (mean, invstd) = (r.mean, r.invstd)
    var inputs = [input]
    if let weight, let bias { inputs += [weight, bias] }
    let hasAffine = inputs.count == 3
    let out = Variable.record(r.output, name: "NativeBatchNormBackward0", inputs: inputs) {
      (g, needs) throws in
      let grads = try Tensor.batchNormBackward(
        gradOutput: g, input: x, weight: w, mean: mean, invstd: invstd,
        needs: (needs[0], hasAffine && needs[1], hasAffine && needs[2]))
      return hasAffine ? [grads.input, grads.weight, grads.bias] : [grads.input]
    }
    return (out, r.runningMean, r.runningVar)
  }

  /// Evaluation-mode batch norm with running statistics; its gradient is the affine map's
  /// (`g·w·invstd` for the input, and the weight/bias gradients of `x̂·w + b`).
  ///
  /// - Throws: the errors of `Tensor.batchNormInference`.
  public static func batchNormInference(
    _ input: Variable, weight: Variable?, bias: Variable?, runningMean: Tensor, runningVar: Tensor,
    eps: Double
  ) throws -> Variable {
    let y = try Tensor.batchNormInference(
      input.value, weight: weight?.value, bias: bias?.value, runningMean: runningMean,
      runningVar: runningVar, eps: eps)
    guard GradMode.isEnabled,
      input.requiresGrad || weight?.requiresGrad == true || bias?.requiresGrad == true
    else {
      return Variable(y)
    }
    // Differentiable composition: (x − mean) · invstd · w + b, with per-channel broadcasting.
    let c = input.shape.count > 1 ? input.shape[1] : 1
    let bshape = [1, c] + Array(repeating: 1, count: Swift.max(0, input.shape.count - 2))
    let invstd = try runningVar.to(input.dtype == .float64 ? .float64 : .float32).add(eps).sqrt()
      .reshaped(bshape)
    let centered = try input.sub(Variable(runningMean.to(invstd.dtype).reshaped(bshape)))
    var out = try centered.mul(Variable(1.0 / invstd))
    if let weight { out = try out.mul(weight.reshaped(bshape)) }
    if let bias { out = try out.add(bias.reshaped(bshape)) }
    // Keep the forward values of the fused kernel, with the composed graph's gradients.
    return Variable(value: y, node: out.node)
  }
}
