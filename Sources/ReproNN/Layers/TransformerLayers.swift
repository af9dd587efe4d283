public import ReproTensor

/// The position-wise activation of a transformer layer: `F.relu` / `F.gelu` given by name
/// (no submodule), or a module (`activation=GELU()`), registered as the child `activation`.
public enum TransformerActivation {
  /// `activation='relu'` (PyTorch's default).
  case relu
  /// `activation='gelu'` (exact GELU).
  case gelu
  /// A module instance, which PyTorch registers as a child.
  case module(Module)
}

/// `nn.TransformerEncoderLayer`: self-attention and a feed-forward block, each with dropout,
/// a residual connection and layer norm (post-norm by default, `norm_first` for pre-norm).
///
/// Children in PyTorch's order: `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`, `norm2`,
/// `dropout1`, `dropout2` (and `activation` when given as a module).
public final class TransformerEncoderLayer: Module {
  /// The activation between `linear1` and `linear2`.
  public let activation: TransformerActivation
  /// Whether layer norm comes before each block (`norm_first`).
  public let normFirst: Bool

  /// Creates the layer, drawing from `generator` in PyTorch's constructor order.
  public init(
    _ dModel: Int, _ nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
    activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5,
    batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
    dtype: DType = .float32, generator: Generator
  ) {
    self.activation = activation
    self.normFirst = normFirst
    super.init(typeName: "TransformerEncoderLayer")
    registerChild(
      "self_attn",
      MultiheadAttention(
        dModel, nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, dtype: dtype,
        generator: generator))
    registerFeedForward(
      dModel, dimFeedforward, dropout: dropout, layerNormEps: layerNormEps, norms: 2, bias: bias,
      activation: activation, dtype: dtype, generator: generator)
  }

  /// `layer(src)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try forward(input, mask: nil, isCausal: false)
  }
}

/// `nn.TransformerDecoderLayer`: self-attention, cross-attention over a memory, and a
/// feed-forward block.
///
/// Children in PyTorch's order: `self_attn`, `multihead_attn`, `linear1`, `dropout`, `linear2`,
/// `norm1`, `norm2`, `norm3`, `dropout1`, `dropout2`, `dropout3` (and `activation` when given
/// as a module).
public final class TransformerDecoderLayer: Module {
  /// The activation between `linear1` and `linear2`.
  public let activation: TransformerActivation
  /// Whether layer norm comes before each block (`norm_first`).
  public let normFirst: Bool

  /// Creates the layer, drawing from `generator` in PyTorch's constructor order.
  public init(
    _ dModel: Int, _ nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1,
    activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5,
    batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
    dtype: DType = .float32, generator: Generator
  ) {
    self.activation = activation
    self.normFirst = normFirst
    super.init(typeName: "TransformerDecoderLayer")
    for name in ["self_attn", "multihead_attn"] {
      registerChild(
        name,
        MultiheadAttention(
          dModel, nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, dtype: dtype,
          generator: generator))
    }
    registerFeedForward(
      dModel, dimFeedforward, dropout: dropout, layerNormEps: layerNormEps, norms: 3, bias: bias,
      activation: activation, dtype: dtype, generator: generator)
  }

  /// A decoder layer needs a memory: `forward(_:memory:tgtIsCausal:)`.
  public override func forward(_ input: Variable) throws -> Variable {
    throw NNError(
      .unsupported, "TransformerDecoderLayer takes tgt and memory: call forward(_:memory:)")
  }
}

extension Module {
  /// What the encoder and decoder layers register after their attention blocks: `linear1`,
  /// `dropout`, `linear2`, `norm1…normN`, `dropout1…dropoutN`, then a module activation.
  fileprivate func registerFeedForward(
    _ dModel: Int, _ dimFeedforward: Int, dropout: Double, layerNormEps: Double, norms: Int,
    bias: Bool, activation: TransformerActivation, dtype: DType, generator: Generator
  ) {
    registerChild(
      "linear1", Linear(dModel, dimFeedforward, bias: bias, dtype: dtype, generator: generator))
    registerChild("dropout", Dropout(p: dropout, generator: generator))
    registerChild(
      "linear2", Linear(dimFeedforward, dModel, bias: bias, dtype: dtype, generator: generator))
    for i in 1...norms {
      registerChild("norm\(i)", LayerNorm([dModel], eps: layerNormEps, bias: bias, dtype: dtype))
    }
    for i in 1...norms { registerChild("dropout\(i)", Dropout(p: dropout, generator: generator)) }
    if case .module(let m) = activation { registerChild("activation", m) }
  }
}
