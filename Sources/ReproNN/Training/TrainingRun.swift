public import ReproFormat
public import ReproTensor

/// The `repro train` recipe, step for step the PyTorch loop it is compared with.
///
/// ```python
/// torch.manual_seed(seed); model = <spec>; opt = <optimizer>(model.parameters(), ...)
/// g = torch.Generator().manual_seed(data_seed)
/// for _ in range(steps):
///     x = torch.randn(batch, in_features, generator=g); y = torch.randn(batch, out_features, generator=g)
///     opt.zero_grad()
///     with torch.autocast("cpu", dtype=amp, enabled=amp is not None):
///         loss = ((model(x) - y) ** 2).mean()
///     loss.backward(); opt.step()          # float16 amp: through a GradScaler("cpu")
/// ```
///
/// A model whose first layer is an `Embedding` (the zoo's `gpt(...)`, or a spec starting with
/// one) is trained with the language-model recipe instead: each step
/// `x = torch.randint(0, vocab, (batch, T), generator=g)`, `y = torch.randint(0, vocab, (batch,
/// T), generator=g)`, `loss = F.cross_entropy(logits.view(-1, vocab), y.view(-1))`, where
/// `vocab` is the embedding's row count and `T` is `seqLen` (gpt: its `block_size` by default).
/// AdamW then gets nanoGPT's two parameter groups: `{"params": 2-D+ weights, "weight_decay":
/// wd}` and `{"params": the rest, "weight_decay": 0.0}` in `named_parameters` order (a tied
/// weight once).
///
/// The result is saved as `{"model", "optimizer", "step", "loss"}` (+ `"scaler"`), and a run
/// can resume from such a file: the data generator skips the batches already used, so resuming
/// gives the same bits as running uninterrupted.
public struct TrainingRun {
  /// The optimizers `repro train` offers.
  public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, adam, adamw
  }

  /// The model spec (`mlp`, `Sequential(Linear(5,7), ReLU(), Linear(7,3))`).
  public var spec: String
  /// `torch.manual_seed` before construction.
  public var seed: UInt64
  /// The optimizer.
  public var optimizer: OptimizerKind
  /// Learning rate (PyTorch's default per optimizer when nil: SGD 1e-3, Adam/AdamW 1e-3).
  public var lr: Double?
  /// SGD momentum.
  public var momentum: Double?
  /// SGD dampening of the momentum (PyTorch's default 0 when nil).
  public var dampening: Double?
  /// SGD Nesterov momentum (needs momentum > 0 and zero dampening).
  public var nesterov: Bool
  /// Weight decay.
  public var weightDecay: Double?
  /// Adam/AdamW betas.
  public var betas: (Double, Double)?
  /// Adam/AdamW eps.
  public var eps: Double?
  /// Adam/AdamW AMSGrad (the maximum of the second moment).
  public var amsgrad: Bool
  /// Maximise the objective instead of minimising it (every optimizer).
  public var maximize: Bool
  /// Total steps (K).
  public var steps: Int
  /// Data generator seed (D).
  public var dataSeed: UInt64
  /// Batch size (B).
  public var batch: Int
  /// Autocast dtype (float16 adds a GradScaler), or nil.
  public var amp: DType?
  /// Tokens per sequence (T) of the language-model recipe; nil: gpt's `block_size`.
  public var seqLen: Int?

  /// Creates a run description; a nil hyper-parameter takes the optimizer's PyTorch default.
  public init(
    spec: String, seed: UInt64, optimizer: OptimizerKind, lr: Double? = nil,
    momentum: Double? = nil, dampening: Double? = nil, nesterov: Bool = false,
    weightDecay: Double? = nil, betas: (Double, Double)? = nil, eps: Double? = nil,
    amsgrad: Bool = false, maximize: Bool = false, steps: Int,
    dataSeed: UInt64, batch: Int = 8, amp: DType? = nil, seqLen: Int? = nil
  ) {
    self.seqLen = seqLen
    self.spec = spec
    self.seed = seed
    self.optimizer = optimizer
    self.lr = lr
    self.momentum = momentum
    self.dampening = dampening
    self.nesterov = nesterov
    self.weightDecay = weightDecay
    self.betas = betas
    self.eps = eps
    self.amsgrad = amsgrad
    self.maximize = maximize
    self.steps = steps
    self.dataSeed = dataSeed
    self.batch = batch
    self.amp = amp
  }

  /// What a run produced.
  public struct Outcome {
    /// The trained model.
    public var model: Module
    /// The optimizer with its state.
    public var optimizer: Optimizer
    /// The GradScaler (float16 amp).
    public var scaler: GradScaler?
    /// The last loss.
    public var loss: Double
    /// `{"model", "optimizer", "step", "loss"}` (+ `"scaler"`), as saved.
    public var value: PickleValue
  }

  /// Runs the recipe, optionally from a file written by an earlier run.
  ///
  /// - Parameters:
  ///   - resume: a value saved by an earlier run (`{"model", "optimizer", "step", "loss"}`).
  ///   - onStep: called after each step this call runs with the step's index (counted from 0
  ///     over the whole run, resumed steps included) and its loss.
  /// - Returns: the trained model, optimizer, scaler, last loss and the value to save.
  /// - Throws: `NNError`: `.invalidSpec` for a bad spec, `.invalidArgument` for a negative step
  ///   count, a batch below 1 or a spec without Linear layers, `.invalidStateDict` or
  ///   `.stateDictMismatch` for a resume value that does not fit; `TensorError` from the
  ///   forward and backward passes.
  public func run(
    resumingFrom resume: PickleValue? = nil, onStep: (Int, Double) -> Void = { _, _ in }
  ) throws -> Outcome {
    guard steps >= 0, batch >= 1 else {
      throw NNError(
        .invalidArgument,
        "training run: steps (\(steps)) must be >= 0 and batch (\(batch)) >= 1")
    }
    let model = try ModelFactory.make(spec, generator: Generator(seed: seed))
    let tokens = try LanguageModelRecipe(model: model, seqLen: seqLen, spec: spec, amp: amp)
    let linears = model.namedModules().compactMap { $0.module as? Linear }
    guard let first = linears.first, let last = linears.last else {
      throw NNError(
        .invalidArgument,
        "repro train feeds randn(batch, in_features): the model needs Linear layers (\(spec) has none)"
      )
    }
    let params = model.parameters()
    let opt: Optimizer
    switch optimizer {
    case .adamw where tokens != nil:
      let groups = LanguageModelRecipe.weightDecayGroups(
        model, weightDecay: weightDecay ?? LanguageModelRecipe.defaultWeightDecay)
      opt = try AdamW(
        groups: groups, lr: lr.map { .float($0) } ?? 1e-3, betas: betas ?? (0.9, 0.999),
        eps: eps.map { .float($0) } ?? 1e-8, amsgrad: amsgrad, maximize: maximize)
    case .sgd:
      opt = try SGD(
        params, lr: lr.map { .float($0) } ?? 1e-3, momentum: momentum.map { .float($0) } ?? 0,
        dampening: dampening.map { .float($0) } ?? 0,
        weightDecay: weightDecay.map { .float($0) } ?? 0, nesterov: nesterov, maximize: maximize)
    case .adam:
      opt = try Adam(
        params, lr: lr.map { .float($0) } ?? 1e-3, betas: betas ?? (0.9, 0.999),
        eps: eps.map { .float($0) } ?? 1e-8,
        weightDecay: weightDecay.map { .float($0) } ?? 0, amsgrad: amsgrad, maximize: maximize)
    case .adamw:
      opt = try AdamW(
        params, lr: lr.map { .float($0) } ?? 1e-3, betas: betas ?? (0.9, 0.999),
        eps: eps.map { .float($0) } ?? 1e-8,
        weightDecay: weightDecay.map { .float($0) } ?? 1e-2, amsgrad: amsgrad, maximize: maximize)
    }
    let scaler = amp == .float16 ? try GradScaler(device: "cpu") : nil
    let data = Generator(seed: dataSeed)
    var done = 0
    var loss = Double.nan
    if let resume {
      guard let m = resume["model"], let o = resume["optimizer"], let s = resume["step"]?.int64
      else {
        throw NNError(
          .invalidStateDict,
          "resume file must hold {\"model\", \"optimizer\", \"step\", \"loss\"} as `repro train` writes it"
        )
      }
      try model.loadStateDict(from: m)
      try opt.loadStateDict(o)
      if let scaler, let sv = resume["scaler"] { try scaler.loadStateDict(sv) }
      done = Int(s)
      loss = resume["loss"]?.double ?? .nan
      for _ in 0..<done {
        if let tokens {
          _ = try tokens.batch(batch, from: data)
        } else {
          _ = try data.randn(shape: [batch, first.inFeatures])
          _ = try data.randn(shape: [batch, last.outFeatures])
        }
      }
    }
    model.train()
    for step in done..<max(done, steps) {
      if let tokens {
        let (x, y) = try tokens.batch(batch, from: data)
        loss = try TrainingStep.crossEntropy(
          model: model, optimizer: opt, scaler: scaler, autocast: amp, x: x, y: y)
      } else {
        let x = try data.randn(shape: [batch, first.inFeatures])
        let y = try data.randn(shape: [batch, last.outFeatures])
        loss = try TrainingStep.mse(
          model: model, optimizer: opt, scaler: scaler, autocast: amp, x: x, y: y)
      }
      onStep(step, loss)
    }
    var pairs = [
      PicklePair(.string("model"), model.stateDictValue()),
      PicklePair(.string("optimizer"), opt.stateDict()),
      PicklePair(.string("step"), .int(Int64(max(done, steps)))),
      PicklePair(.string("loss"), .float(loss)),
    ]
    if let scaler { pairs.append(PicklePair(.string("scaler"), scaler.stateDict())) }
    return Outcome(model: model, optimizer: opt, scaler: scaler, loss: loss, value: .dict(pairs))
  }
}
