public import ReproTensor

/// The training loop of `repro train`, step for step the PyTorch loop it is compared with.
///
/// The PyTorch loop:
///
/// ```python
/// g = torch.Generator().manual_seed(data_seed)
/// for _ in range(steps):
///     x = torch.randn(batch, in_features, generator=g)
///     y = torch.randn(batch, out_features, generator=g)
///     opt.zero_grad()
///     loss = ((model(x) - y) ** 2).mean()
///     loss.backward()
///     opt.step()
/// ```
///
/// The optimizer is a closure so that any optimizer (or a GradScaler around one) can drive it:
///
/// ```swift
/// let recipe = TrainingRecipe(steps: 5, dataSeed: 1, batchSize: 8, inFeatures: 16, outFeatures: 4)
/// let loss = try recipe.run(model: model) { params in
///   for p in params { if let g = p.grad { p.value = try p.value.sub(g.mul(0.1)) } }
/// }
/// ```
public struct TrainingRecipe: Sendable {
  /// Optimizer steps to run (K).
  public var steps: Int
  /// Seed of the data generator (D).
  public var dataSeed: UInt64
  /// Rows per batch (B).
  public var batchSize: Int
  /// Columns of `x`: the model's input features.
  public var inFeatures: Int
  /// Columns of `y`: the model's output features.
  public var outFeatures: Int
  /// When set, the forward pass and the loss run inside `Autocast.$dtype.withValue(autocast)`
  /// (PyTorch's `with torch.autocast("cpu", dtype=…)` around forward and loss).
  public var autocast: DType?

  /// Creates a recipe.
  public init(
    steps: Int, dataSeed: UInt64, batchSize: Int = 8, inFeatures: Int, outFeatures: Int,
    autocast: DType? = nil
  ) {
    self.steps = steps
    self.dataSeed = dataSeed
    self.batchSize = batchSize
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.autocast = autocast
  }

  /// Runs the loop on `model` and returns the last loss.
  ///
  /// - Parameters:
  ///   - model: trained in place (it is put in training mode).
  ///   - backward: runs the backward pass of each loss; the default is `loss.backward()`. A
  ///     GradScaler passes a closure that scales the loss first.
  ///   - onLoss: called with each step's index and loss (a 0-d float32 tensor).
  ///   - optimizerStep: called after each backward with `model.parameters()`; it reads `grad`
  ///     and writes `value`.
  /// - Returns: the last loss as a Double (NaN when `steps` is 0).
  /// - Throws: `.invalidArgument` for a negative step count or a non-positive size, and any
  ///   error of the forward, backward or optimizer step.
  @discardableResult
  public func run(
    model: Module, backward: (Variable) throws -> Void = { try $0.backward() },
    onLoss: (Int, Tensor) -> Void = { _, _ in }, optimizerStep: ([Parameter]) throws -> Void
  ) throws -> Double {
    guard steps >= 0, batchSize > 0, inFeatures > 0, outFeatures > 0 else {
      throw TensorError(
        .invalidArgument,
        "training recipe: steps (\(steps)) must be >= 0 and batch (\(batchSize)), in (\(inFeatures)), out (\(outFeatures)) > 0"
      )
    }
    model.train()
    let g = Generator(seed: dataSeed)
    let parameters = model.parameters()
    var last = Double.nan
    for step in 0..<steps {
      let x = try g.randn(shape: [batchSize, inFeatures])
      let y = try g.randn(shape: [batchSize, outFeatures])
      model.zeroGrad()
      let loss = try Autocast.$dtype.withValue(autocast) { () throws(TensorError) -> Variable in
        try model(Variable(x)).sub(Variable(y)).pow(2).mean()
      }
      try backward(loss)
      try optimizerStep(parameters)
      onLoss(step, loss.value)
      last = loss.value.doubles()[0]
    }
    return last
  }
}
