public import ReproTensor

/// Loss functions (`torch.nn.functional`), mean reduction.
public enum Losses {
  /// `F.mse_loss(input, target)`: the mean of `(input − target)²`.
  ///
  /// The gradient is PyTorch's `mse_loss_backward`, `(2/N) · (input − target) · g`, in that
  /// order.
  ///
  /// The training recipe writes `((out − y) ** 2).mean()` instead, which PyTorch differentiates
  /// op by op; both give the same forward value.
  /// - Throws: `NNError` `.shapeMismatch` when the shapes differ (PyTorch warns and broadcasts; here it is
  ///   refused), plus kernel errors.
  public static func mseLoss(_ input: Variable, _ target: Variable) throws -> Variable {
    let (input, target) = (Autocast.fullPrecision(input), Autocast.fullPrecision(target))
    guard input.shape == target.shape else {
      throw NNError(
        .shapeMismatch, "mse_loss: input \(input.shape) and target \(target.shape) differ in shape")
    }
    let (a, b) = (input.value, target.value)
    let diff = try a.sub(b)
    let n = a.count
    let loss = try diff.mul(diff).mean()
    return Variable.record(loss, name: "MseLossBackward0", inputs: [input, target]) {
      (g, needs) throws in
      let grad = try diff.mul(2.0 / Double(n)).mul(g)
      return [needs[0] ? grad : nil, needs[1] ? try grad.neg() : nil]
    }
  }

  /// `F.cross_entropy(logits, targets)` for logits [N, C] and int64 class indices [N]:
  /// `log_softmax` then the negative log-likelihood averaged over the targets that are not
  /// `ignoreIndex` (-100, as PyTorch).
  ///
  /// - Throws: `NNError` `.shapeMismatch` for shapes other than [N, C] and [N], `.unsupportedDType` for
  ///   non-integer targets, `.outOfBounds` for a target outside `0..<C`.
  public static func crossEntropyLoss(_ logits: Variable, targets: Tensor, ignoreIndex: Int = -100)
    throws -> Variable
  {
    let logits = Autocast.fullPrecision(logits)
    guard logits.shape.count == 2, targets.shape == [logits.shape[0]] else {
      throw NNError(
        .shapeMismatch,
        "cross_entropy: expected logits [N, C] and targets [N], got \(logits.shape) and \(targets.shape)"
      )
    }
    guard targets.dtype.isInteger else {
      throw NNError(
        .unsupportedDType,
        "cross_entropy: expected integer class targets, got \(targets.dtype.pytorchName)")
    }
    let (n, c) = (logits.shape[0], logits.shape[1])
    let t = targets.doubles().map { Int($0) }
    for (i, k) in t.enumerated() where k != ignoreIndex && (k < 0 || k >= c) {
      throw NNError(
        .outOfBounds, "cross_entropy: target \(k) at index \(i) is out of bounds for \(c) classes")
    }
    let logp = try logits.value.logSoftmax()
    let compute: DType = logp.dtype == .float64 ? .float64 : .float32
    let lp = logp.to(compute).doubles()
    var total = 0.0
    var count = 0
    var sum = Tensor(zeros: [], dtype: compute)
    for i in 0..<n where t[i] != ignoreIndex {
      sum = try sum.sub(Tensor([lp[i * c + t[i]]], shape: []).to(compute))
      count += 1
    }
    total = Double(count)
    let loss = try sum.div(total).to(logits.dtype)
    return Variable.record(loss, name: "NllLossBackward0", inputs: [logits]) {
      (g, _) throws in
      // nll backward: −g/total at each target; log_softmax backward: d − exp(logp)·Σd.
      let gv = try g.to(compute).neg().div(total).doubles()[0]
      var d = [Double](repeating: 0, count: n * c)
      for i in 0..<n where t[i] != ignoreIndex { d[i * c + t[i]] = gv }
      let dt = Tensor(d, shape: [n, c]).to(compute)
      let gradIn = try dt.sub(logp.to(compute).exp().mul(dt.sum(dims: [1], keepdim: true)))
      return [gradIn.to(logits.dtype)]
    }
  }
}
