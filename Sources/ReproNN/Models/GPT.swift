public import ReproTensor

/// The shape of a `GPT`: nanoGPT's `GPTConfig` with `bias=True`.
public struct GPTConfig: Sendable, Equatable {
  /// Tokens in the vocabulary.
  public var vocabSize: Int
  /// The longest sequence (rows of the position embedding).
  public var blockSize: Int
  /// Transformer blocks.
  public var nLayer: Int
  /// Attention heads per block.
  public var nHead: Int
  /// The model width; a multiple of `nHead`.
  public var nEmbd: Int
  /// Dropout probability (embeddings, attention, residuals).
  public var dropout: Double

  /// Creates a configuration.
  public init(
    vocabSize: Int, blockSize: Int, nLayer: Int, nHead: Int, nEmbd: Int, dropout: Double = 0
  ) {
    self.vocabSize = vocabSize
    self.blockSize = blockSize
    self.nLayer = nLayer
    self.nHead = nHead
    self.nEmbd = nEmbd
    self.dropout = dropout
  }
}

/// A GPT-2 style decoder as the single-file nanoGPT `model.py` lays it out (with `bias=True`):
/// `transformer.{wte, wpe, drop, h.N.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}},
/// ln_f}` and `lm_head`, whose weight is **tied** to `transformer.wte.weight` (one `Parameter`,
/// so a state dict has both keys on one storage).
///
/// Initialisation draws, in order: every constructor's default init (Embedding `normal_`,
/// Linear kaiming/uniform) in construction order; then `normal_(0, 0.02)` on each Linear and
/// Embedding weight in `Module.apply` order, Linear biases zeroed (the tied weight is drawn
/// twice, as `wte` and as `lm_head`); then `normal_(0, 0.02/sqrt(2·n_layer))` on every
/// `c_proj.weight` in `named_parameters` order.
public final class GPT: Module {
  /// The configuration.
  public let config: GPTConfig
  /// Token embedding (`transformer.wte`).
  public let wte: Embedding
  /// Position embedding (`transformer.wpe`).
  public let wpe: Embedding
  /// The blocks (`transformer.h`).
  public let blocks: [GPTBlock]
  /// The final layer norm (`transformer.ln_f`).
  public let lnF: LayerNorm
  /// The output projection, weight tied to `wte`.
  public let lmHead: Linear

  /// Builds the model, drawing from `generator` as nanoGPT's constructor does.
  ///
  /// - Precondition: positive sizes, `nEmbd % nHead == 0` (the spec factory checks).
  public init(_ config: GPTConfig, dtype: DType = .float32, generator g: Generator) {
    self.config = config
    wte = Embedding(config.vocabSize, config.nEmbd, dtype: dtype, generator: g)
    wpe = Embedding(config.blockSize, config.nEmbd, dtype: dtype, generator: g)
    let drop = Dropout(p: config.dropout, generator: g)
    blocks = (0..<config.nLayer).map { _ in GPTBlock(config, dtype: dtype, generator: g) }
    lnF = LayerNorm([config.nEmbd], dtype: dtype)
    lmHead = Linear(config.nEmbd, config.vocabSize, bias: false, dtype: dtype, generator: g)
    super.init(typeName: "GPT")
    registerChild(
      "transformer",
      ModuleDict([
        ("wte", wte), ("wpe", wpe), ("drop", drop), ("h", ModuleList(blocks)), ("ln_f", lnF),
      ]))
    registerChild("lm_head", lmHead)
    // `self.transformer.wte.weight = self.lm_head.weight`
    wte.replaceParameter("weight", with: lmHead.parameter("weight"))
    // `self.apply(self._init_weights)`: children before parents; only leaves are touched.
    for (_, m) in namedModules() {
      if let linear = m as? Linear {
        Self.normal(linear, "weight", std: 0.02, generator: g)
        if let b = linear.parameter("bias") { Initializers.fill(b.value, 0) }
      } else if m is Embedding {
        Self.normal(m, "weight", std: 0.02, generator: g)
      }
    }
    let std = 0.02 / (2 * Double(config.nLayer)).squareRoot()
    for block in blocks {
      Self.normal(block.attn.cProj, "weight", std: std, generator: g)
      Self.normal(block.mlp.cProj, "weight", std: std, generator: g)
    }
  }

  /// The logits `(B, T, vocab)` for int64 token ids `(B, T)`, every position.
  public override func forward(_ input: Variable) throws -> Variable { try logits(input) }

  private static func normal(_ m: Module, _ name: String, std: Double, generator: Generator) {
    guard let p = m.parameter(name) else { return }
    Initializers.normal(p.value, mean: 0, std: std, generator: generator)
  }
}

/// One nanoGPT `Block`: `ln_1`, `attn`, `ln_2`, `mlp`.
public final class GPTBlock: Module {
  /// Causal self-attention.
  public let attn: CausalSelfAttention
  /// The feed-forward block.
  public let mlp: GPTMLP
  /// Layer norms before attention and before the MLP.
  public let ln1: LayerNorm, ln2: LayerNorm

  init(_ config: GPTConfig, dtype: DType, generator g: Generator) {
    ln1 = LayerNorm([config.nEmbd], dtype: dtype)
    attn = CausalSelfAttention(config, dtype: dtype, generator: g)
    ln2 = LayerNorm([config.nEmbd], dtype: dtype)
    mlp = GPTMLP(config, dtype: dtype, generator: g)
    super.init(typeName: "Block")
    registerChild("ln_1", ln1)
    registerChild("attn", attn)
    registerChild("ln_2", ln2)
    registerChild("mlp", mlp)
  }

  /// `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`.
  public override func forward(_ input: Variable) throws -> Variable {
    try residualForward(input)
  }
}

/// nanoGPT's `CausalSelfAttention`: `c_attn` (q, k, v packed), `c_proj`, `attn_dropout`,
/// `resid_dropout`.
public final class CausalSelfAttention: Module {
  /// The packed q/k/v projection.
  public let cAttn: Linear
  /// The output projection.
  public let cProj: Linear
  /// Heads.
  public let nHead: Int

  init(_ config: GPTConfig, dtype: DType, generator g: Generator) {
    nHead = config.nHead
    cAttn = Linear(config.nEmbd, 3 * config.nEmbd, dtype: dtype, generator: g)
    cProj = Linear(config.nEmbd, config.nEmbd, dtype: dtype, generator: g)
    super.init(typeName: "CausalSelfAttention")
    registerChild("c_attn", cAttn)
    registerChild("c_proj", cProj)
    registerChild("attn_dropout", Dropout(p: config.dropout, generator: g))
    registerChild("resid_dropout", Dropout(p: config.dropout, generator: g))
  }

  /// Causal self-attention over `(B, T, C)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try causalForward(input)
  }
}

/// nanoGPT's `MLP`: `c_fc`, `gelu` (exact), `c_proj`, `dropout`.
public final class GPTMLP: Module {
  /// Widens to 4·n_embd.
  public let cFc: Linear
  /// Back to n_embd.
  public let cProj: Linear

  init(_ config: GPTConfig, dtype: DType, generator g: Generator) {
    cFc = Linear(config.nEmbd, 4 * config.nEmbd, dtype: dtype, generator: g)
    cProj = Linear(4 * config.nEmbd, config.nEmbd, dtype: dtype, generator: g)
    super.init(typeName: "MLP")
    registerChild("c_fc", cFc)
    registerChild("gelu", GELU())
    registerChild("c_proj", cProj)
    registerChild("dropout", Dropout(p: config.dropout, generator: g))
  }

  /// `dropout(c_proj(gelu(c_fc(x))))`.
  public override func forward(_ input: Variable) throws -> Variable { try mlpForward(input) }
}

extension GPT {
  /// The logits `(B, T, vocab)` for int64 token ids `(B, T)`, at every position.
  ///
  /// `lm_head(ln_f(h(drop(wte(idx) + wpe(arange(T))))))`, nanoGPT's training-time forward.
  ///
  /// - Throws: `NNError` `.shapeMismatch` for input other than `(B, T)` with `T ≤ block_size`,
  ///   and the errors of the layers.
  func logits(_ input: Variable) throws -> Variable {
    guard input.shape.count == 2, input.shape[1] <= config.blockSize else {
      throw NNError(
        .shapeMismatch,
        "gpt: expected token ids (B, T) with T <= block_size \(config.blockSize), got \(input.shape)"
      )
    }
    let t = input.shape[1]
    let positions = Tensor((0..<t).map { Int64($0) }, shape: [t])
    var x = try wte(input).add(try wpe(Variable(positions)))
    if let drop = child("transformer")?.child("drop") { x = try drop(x) }
    for block in blocks { x = try block(x) }
    return try lmHead(try lnF(x))
  }
}

extension GPTBlock {
  /// `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`.
  func residualForward(_ input: Variable) throws -> Variable {
    let x = try input.add(try attn(try ln1(input)))
    return try x.add(try mlp(try ln2(x)))
  }
}

extension CausalSelfAttention {
  /// Causal self-attention over `(B, T, C)`: q, k, v split from `c_attn(x)`, `n_head` heads,
  /// `scaled_dot_product_attention(is_causal=True)`, then `resid_dropout(c_proj(y))`.
  ///
  /// - Throws: `NNError` `.unsupported` for attention dropout in training.
  func causalForward(_ input: Variable) throws -> Variable {
    let (b, t, c) = (input.shape[0], input.shape[1], input.shape[2])
    if isTraining, let d = child("attn_dropout") as? Dropout, d.p > 0 {
      throw NNError(
        .unsupported, "gpt: attention dropout in training is not implemented (use dropout=0.0)")
    }
    let qkv = try cAttn(input)
    func heads(_ i: Int) throws -> Variable {
      try qkv.sliced(dim: 2, start: i * c, end: (i + 1) * c).reshaped([b, t, nHead, c / nHead])
        .transposed(1, 2)
    }
    let y = try Variable.scaledDotProductAttention(
      try heads(0), try heads(1), try heads(2), isCausal: true)
    var out = try cProj(try y.transposed(1, 2).reshaped([b, t, c]))
    if let drop = child("resid_dropout") { out = try drop(out) }
    return out
  }
}

extension GPTMLP {
  /// `dropout(c_proj(gelu(c_fc(x))))`.
  func mlpForward(_ input: Variable) throws -> Variable {
    var x = try cProj(try cFc(input).gelu())
    if let drop = child("dropout") { x = try drop(x) }
    return x
  }
}
