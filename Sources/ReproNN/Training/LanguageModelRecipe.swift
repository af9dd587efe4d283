public import ReproTensor

/// The language-model part of `TrainingRun`: which models take token ids, their batches, and
/// nanoGPT's AdamW parameter groups.
public struct LanguageModelRecipe: Sendable {
  /// Rows of the input embedding (`vocab`).
  public let vocab: Int
  /// Tokens per sequence (T).
  public let seqLen: Int

  /// AdamW's weight decay when none is given (PyTorch's default 1e-2).
  public static let defaultWeightDecay = 1e-2

  /// The recipe for `model`, or nil when its first layer is not an `Embedding`.
  ///
  /// - Throws: `NNError` `.invalidArgument` for a `seqLen` given to a model without token
  ///   input, a missing or non-positive `seqLen`, one above gpt's `block_size`;
  ///   `.unsupported` for autocast (not implemented for this recipe).
  public init?(model: Module, seqLen: Int?, spec: String, amp: DType?) throws(NNError) {
    let firstLayer = model.namedModules().first { entry in
      entry.module is Embedding || entry.module is Linear || entry.module is Conv2d
    }
    guard let embedding = firstLayer?.module as? Embedding else {
      if let seqLen {
        throw NNError(
          .invalidArgument,
          "--seq-len \(seqLen) applies to models whose input is token ids (gpt, or a spec starting with Embedding); \(spec) takes randn input"
        )
      }
      return nil
    }
    let gpt = model as? GPT
    guard let t = seqLen ?? gpt?.config.blockSize, t >= 1 else {
      throw NNError(
        .invalidArgument,
        "\(spec) takes token ids: give the sequence length with --seq-len T (T >= 1)")
    }
    if let gpt, t > gpt.config.blockSize {
      throw NNError(
        .invalidArgument,
        "--seq-len \(t) is longer than the model's block_size \(gpt.config.blockSize)")
    }
    if let amp {
      throw NNError(
        .unsupported,
        "autocast (\(amp.pytorchName)) is not implemented for the language-model recipe; train in the model's dtype"
      )
    }
    vocab = embedding.numEmbeddings
    self.seqLen = t
  }

  /// The next batch: `x = randint(0, vocab, (batch, T), generator=g)`, then `y` the same way.
  public func batch(_ batch: Int, from g: Generator) throws(TensorError) -> (x: Tensor, y: Tensor) {
    let x = try g.randint(low: 0, high: Int64(vocab), shape: [batch, seqLen])
    let y = try g.randint(low: 0, high: Int64(vocab), shape: [batch, seqLen])
    return (x, y)
  }

  /// nanoGPT's `configure_optimizers` groups: parameters of two or more dims decayed by
  /// `weightDecay`, the others (biases, layer-norm weights) not, each in `named_parameters`
  /// order with a shared weight once.
  public static func weightDecayGroups(_ model: Module, weightDecay: Double) -> [ParamGroup] {
    let params = model.parameters()
    return [
      ParamGroup(
        params.filter { $0.value.rank >= 2 }, options: [("weight_decay", .float(weightDecay))]),
      ParamGroup(params.filter { $0.value.rank < 2 }, options: [("weight_decay", .float(0))]),
    ]
  }
}
