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
