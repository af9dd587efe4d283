public import ReproTensor

/// `nn.MultiheadAttention`: scaled dot-product attention over `numHeads` heads with an input
/// projection (`in_proj_weight`, or `q/k/v_proj_weight` when `kdim`/`vdim` differ from
/// `embedDim`) and an output projection `out_proj`.
///
/// Initialisation matches PyTorch 2.13's constructor draw for draw: `out_proj`'s Linear init
/// (kaiming weight, uniform bias) runs first, then `xavier_uniform_` on the input projection
/// weight(s), then `in_proj_bias` and `out_proj.bias` are zeroed, then `xavier_normal_` on
/// `bias_k` and `bias_v` when `add_bias_kv` is set.
public final class MultiheadAttention: Module {
  /// The model width (`embed_dim`).
  public let embedDim: Int
  /// Number of heads; `embedDim` is a multiple of it.
  public let numHeads: Int
  /// Width of the keys (`kdim`, default `embedDim`).
  public let kdim: Int
  /// Width of the values (`vdim`, default `embedDim`).
  public let vdim: Int
  /// Dropout probability on the attention weights in training.
  public let dropout: Double
  /// Whether inputs are `(batch, seq, feature)` rather than `(seq, batch, feature)`.
  public let batchFirst: Bool
  /// Whether a zero key/value row is appended (`add_zero_attn`).
  public let addZeroAttn: Bool
  /// The output projection.
  public let outProj: Linear

  /// Whether one packed `in_proj_weight` holds q, k and v (`_qkv_same_embed_dim`).
  public var packedInputProjection: Bool { kdim == embedDim && vdim == embedDim }

  /// Creates the layer and initialises it from `generator` as PyTorch does.
  ///
  /// - Precondition: `embedDim` and `numHeads` are positive and `embedDim % numHeads == 0`
  ///   (the spec factory reports these with PyTorch's messages).
  public init(
    _ embedDim: Int, _ numHeads: Int, dropout: Double = 0, bias: Bool = true,
    addBiasKV: Bool = false, addZeroAttn: Bool = false, kdim: Int? = nil, vdim: Int? = nil,
    batchFirst: Bool = false, dtype: DType = .float32, generator: Generator
  ) {
    precondition(embedDim > 0 && numHeads > 0 && embedDim % numHeads == 0)
    self.embedDim = embedDim
    self.numHeads = numHeads
    self.kdim = kdim ?? embedDim
    self.vdim = vdim ?? embedDim
    self.dropout = dropout
    self.batchFirst = batchFirst
    self.addZeroAttn = addZeroAttn
    // The input projections are allocated empty first (no draws), so building `out_proj` here
    // keeps PyTorch's draw order: out_proj's Linear init, then xavier on the projections.
    outProj = Linear(embedDim, embedDim, bias: bias, dtype: dtype, generator: generator)
    super.init(typeName: "MultiheadAttention")
    var projections: [Tensor] = []
    if packedInputProjection {
      let w = Tensor(zeros: [3 * embedDim, embedDim], dtype: dtype)
      projections = [w]
      registerParameter("in_proj_weight", Parameter(w))
      for name in ["q_proj_weight", "k_proj_weight", "v_proj_weight"] {
        registerParameter(name, nil)
      }
    } else {
      for (name, width) in [
        ("q_proj_weight", embedDim), ("k_proj_weight", self.kdim), ("v_proj_weight", self.vdim),
      ] {
        let w = Tensor(zeros: [embedDim, width], dtype: dtype)
        projections.append(w)
        registerParameter(name, Parameter(w))
      }
      registerParameter("in_proj_weight", nil)
    }
    let inBias = bias ? Tensor(zeros: [3 * embedDim], dtype: dtype) : nil
    registerParameter("in_proj_bias", inBias.map { Parameter($0) })
    registerChild("out_proj", outProj)
    var biasKV: [Tensor] = []
    if addBiasKV {
      for name in ["bias_k", "bias_v"] {
        let t = Tensor(zeros: [1, 1, embedDim], dtype: dtype)
        biasKV.append(t)
        registerParameter(name, Parameter(t))
      }
    }
    // `_reset_parameters()`.
    for w in projections { Initializers.xavierUniform(w, generator: generator) }
    if let inBias {
      Initializers.fill(inBias, 0)
      if let b = outProj.parameter("bias") { Initializers.fill(b.value, 0) }
    }
    for t in biasKV { Initializers.xavierNormal(t, generator: generator) }
  }

  /// Self-attention `mha(x, x, x, need_weights=False)[0]` (PyTorch's forward takes query, key
  /// and value; this is the one-input form a `Sequential` can hold).
  public override func forward(_ input: Variable) throws -> Variable {
    try attention(query: input, key: input, value: input)
  }
}
