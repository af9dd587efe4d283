public import ReproTensor

/// One step of PyTorch's training loop on a batch, as the guides write it:
/// `opt.zero_grad()`; `loss = ((model(x) - y) ** 2).mean()` under `torch.autocast("cpu", dtype)`
/// when `autocast` is set; `loss.backward()`; `opt.step()` — or, with a GradScaler,
/// `scaler.scale(loss).backward()`, `scaler.step(opt)`, `scaler.update()`.
public enum TrainingStep {
  /// Runs the step and returns the loss.
  ///
  /// - Throws: any error of the forward, backward, optimizer or scaler.
  public static func mse(
    model: Module, optimizer: Optimizer, scaler: GradScaler?, autocast: DType?, x: Tensor, y: Tensor
  ) throws -> Double {
    optimizer.zeroGrad()
    let loss = try Autocast.$dtype.withValue(autocast) { () throws -> Variable in
      try model(Variable(x)).sub(Variable(y)).pow(2).mean()
    }
    return try finish(loss, optimizer: optimizer, scaler: scaler)
  }

  /// The language-model step: `opt.zero_grad()`; `logits = model(x)`;
  /// `loss = F.cross_entropy(logits.view(-1, vocab), y.view(-1))`; `loss.backward()`;
  /// `opt.step()` (or the GradScaler's calls); returns the loss.
  ///
  /// - Throws: any error of the forward, backward, optimizer or scaler.
  public static func crossEntropy(
    model: Module, optimizer: Optimizer, scaler: GradScaler?, autocast: DType?, x: Tensor, y: Tensor
  ) throws -> Double {
    optimizer.zeroGrad()
    let loss = try Autocast.$dtype.withValue(autocast) { () throws -> Variable in
      let logits = try model(Variable(x))
      let vocab = logits.shape.last ?? 0
      return try Losses.crossEntropyLoss(
        logits.reshaped([logits.value.count / Swift.max(vocab, 1), vocab]),
        targets: try y.reshaped([y.count]))
    }
    return try finish(loss, optimizer: optimizer, scaler: scaler)
  }

  private static func finish(_ loss: Variable, optimizer: Optimizer, scaler: GradScaler?) throws
    -> Double
  {
    if let scaler {
      _ = try scaler.scale(loss.value)
      // d(loss · scale)/d(loss) = scale: seeding backward with it scales every gradient.
      try loss.backward(gradient: Tensor(scalar: scaler.scaleTensorValue ?? 1).to(loss.value.dtype))
      _ = try scaler.step(optimizer)
      try scaler.update()
    } else {
      try loss.backward()
      try optimizer.step()
    }
    return loss.value.doubles()[0]
  }
}
