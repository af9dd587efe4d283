import ReproTensor

/// The transformer-era constructors of the spec language: Embedding, LayerNorm, GELU, Softmax,
/// Identity, MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer and the zoo's
/// `gpt(...)`, with PyTorch's parameter names, defaults and checks.
extension ModelFactory {
  /// The constructors this file adds.
  static let transformerConstructorNames = [
    "Embedding", "LayerNorm", "GELU", "Softmax", "Identity", "MultiheadAttention",
    "TransformerEncoderLayer", "TransformerDecoderLayer",
  ]

  /// Builds one of the transformer constructors, or returns nil for another name.
  static func makeTransformerModule(
    _ call: ModelSpec.Call, source: String, generator g: Generator
  ) throws(NNError) -> Module? {
    var a = ArgumentBinder(call: call, source: source)
    switch call.name {
    case "Embedding":
      try a.bind(
        [
          "num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type",
          "scale_grad_by_freq", "sparse",
        ], required: 2)
      let num = try a.int("num_embeddings", min: 0)
      let dim = try a.int("embedding_dim", min: 0)
      let padding = try a.optionalInt("padding_idx")
      if let padding, padding >= num || padding < -num {
        throw a.error("Padding_idx must be within num_embeddings")
      }
      if try a.optionalDouble("max_norm", default: nil) != nil {
        throw a.error("max_norm is not supported (it renormalises the weight in forward)")
      }
      if try a.bool("sparse", default: false) {
        throw a.error("sparse=True is not supported (sparse gradients)")
      }
      _ = try a.double("norm_type", default: 2)
      _ = try a.bool("scale_grad_by_freq", default: false)
      return Embedding(num, dim, paddingIdx: padding, generator: g)
    case "LayerNorm":
      try a.bind(["normalized_shape", "eps", "elementwise_affine", "bias"], required: 1)
      return LayerNorm(
        try a.shape("normalized_shape"), eps: try a.double("eps", default: 1e-5),
        elementwiseAffine: try a.bool("elementwise_affine", default: true),
        bias: try a.bool("bias", default: true))
    case "GELU":
      try a.bind(["approximate"], required: 0)
      let text = try a.stringIfPresent("approximate") ?? "none"
      guard let approximate = GELU.Approximation(rawValue: text) else {
        throw a.error("approximate argument must be either none or tanh, got '\(text)'")
      }
      return GELU(approximate: approximate)
    case "Softmax":
      try a.bind(["dim"], required: 0)
      return Softmax(dim: try a.optionalInt("dim"))
    case "Identity":
      // PyTorch's Identity takes and ignores any arguments; module arguments are still built
      // (Python evaluates them first), so they draw from the generator.
      for value in call.positional + call.keywords.map(\.value) {
        if case .call(let inner) = value { _ = try make(inner, source: source, generator: g) }
      }
      return Identity()
    case "MultiheadAttention":
      try a.bind(
        [
          "embed_dim", "num_heads", "dropout", "bias", "add_bias_kv", "add_zero_attn", "kdim",
          "vdim", "batch_first",
        ], required: 2)
      let embed = try a.int("embed_dim")
      let heads = try a.int("num_heads")
      guard embed > 0, heads > 0 else {
        throw a.error(
          "embed_dim and num_heads must be greater than 0, got embed_dim=\(embed) and num_heads=\(heads) instead"
        )
      }
      guard embed % heads == 0 else { throw a.error("embed_dim must be divisible by num_heads") }
      return MultiheadAttention(
        embed, heads, dropout: try a.double("dropout", default: 0),
        bias: try a.bool("bias", default: true),
        addBiasKV: try a.bool("add_bias_kv", default: false),
        addZeroAttn: try a.bool("add_zero_attn", default: false),
        kdim: try a.optionalInt("kdim", min: 1), vdim: try a.optionalInt("vdim", min: 1),
        batchFirst: try a.bool("batch_first", default: false), generator: g)
    case "TransformerEncoderLayer", "TransformerDecoderLayer":
      try a.bind(
        [
          "d_model", "nhead", "dim_feedforward", "dropout", "activation", "layer_norm_eps",
          "batch_first", "norm_first", "bias",
        ], required: 2)
      let dModel = try a.int("d_model")
      let nhead = try a.int("nhead")
      guard dModel > 0, nhead > 0 else {
        throw a.error(
          "embed_dim and num_heads must be greater than 0, got embed_dim=\(dModel) and num_heads=\(nhead) instead"
        )
      }
      guard dModel % nhead == 0 else { throw a.error("embed_dim must be divisible by num_heads") }
      let dropout = try a.double("dropout", default: 0.1)
      guard dropout >= 0 && dropout <= 1 else {
        throw a.error("dropout probability has to be between 0 and 1, but got \(dropout)")
      }
      let activation = try a.transformerActivation(source: source, generator: g)
      let ff = try a.int("dim_feedforward", default: 2048, min: 0)
      let eps = try a.double("layer_norm_eps", default: 1e-5)
      let batchFirst = try a.bool("batch_first", default: false)
      let normFirst = try a.bool("norm_first", default: false)
      let bias = try a.bool("bias", default: true)
      if call.name == "TransformerEncoderLayer" {
        return TransformerEncoderLayer(
          dModel, nhead, dimFeedforward: ff, dropout: dropout, activation: activation,
          layerNormEps: eps, batchFirst: batchFirst, normFirst: normFirst, bias: bias,
          generator: g)
      }
      return TransformerDecoderLayer(
        dModel, nhead, dimFeedforward: ff, dropout: dropout, activation: activation,
        layerNormEps: eps, batchFirst: batchFirst, normFirst: normFirst, bias: bias, generator: g)
    case "gpt":
      try a.bind(
        ["vocab_size", "block_size", "n_layer", "n_head", "n_embd", "dropout"], required: 5)
      let config = GPTConfig(
        vocabSize: try a.int("vocab_size", min: 1), blockSize: try a.int("block_size", min: 1),
        nLayer: try a.int("n_layer", min: 1), nHead: try a.int("n_head", min: 1),
        nEmbd: try a.int("n_embd", min: 1), dropout: try a.double("dropout", default: 0))
      guard config.nEmbd % config.nHead == 0 else {
        throw a.error("n_embd (\(config.nEmbd)) must be divisible by n_head (\(config.nHead))")
      }
      guard config.dropout >= 0 && config.dropout <= 1 else {
        throw a.error("dropout probability has to be between 0 and 1, but got \(config.dropout)")
      }
      return GPT(config, generator: g)
    default:
      return nil
    }
  }
}

extension ArgumentBinder {
  /// An optional int (`None` or omitted → nil).
  func optionalInt(_ name: String, min: Int? = nil) throws(NNError) -> Int? {
    if case .none? = argument(name) { return nil }
    return argument(name) == nil ? nil : try int(name, min: min)
  }

  /// An int or a tuple/list of ints, as `normalized_shape` (`8` → `[8]`).
  func shape(_ name: String) throws(NNError) -> [Int] {
    switch argument(name) {
    case .int(let i)?:
      guard i >= 0 else { throw error("argument '\(name)' must not be negative, got \(i)") }
      return [i]
    case .tuple(let items)?:
      var out: [Int] = []
      for item in items {
        guard case .int(let i) = item, i >= 0 else {
          throw error(
            "argument '\(name)' must be an int or a tuple of ints, not \(ModelSpec.Value.tuple(items))"
          )
        }
        out.append(i)
      }
      return out
    case nil: throw error("missing argument '\(name)'")
    case let v?: throw error("argument '\(name)' must be an int or a tuple of ints, not \(v)")
    }
  }

  /// `activation='relu'|'gelu'` or a module (`activation=GELU()`), built now as Python
  /// evaluates arguments before the call.
  func transformerActivation(source: String, generator: Generator) throws(NNError)
    -> TransformerActivation
  {
    switch argument("activation") {
    case nil: return .relu
    case .string("relu")?: return .relu
    case .string("gelu")?: return .gelu
    case .string(let s)?: throw error("activation should be relu/gelu, not \(s)")
    case .call(let inner)?:
      return .module(try ModelFactory.make(inner, source: source, generator: generator))
    case let v?: throw error("argument 'activation' must be 'relu', 'gelu' or a module, not \(v)")
    }
  }
}
