public import ReproTensor

/// Builds modules from a `ModelSpec`, drawing initial values from a generator in PyTorch's order.
///
/// Supported constructors: Linear, Conv2d, BatchNorm2d, ReLU, Tanh, Sigmoid, MaxPool2d,
/// AvgPool2d, AdaptiveAvgPool2d, Flatten, Dropout, Sequential, Embedding, LayerNorm, GELU,
/// Softmax, Identity, MultiheadAttention, TransformerEncoderLayer, TransformerDecoderLayer; zoo
/// names `simple`, `mlp`, `cnn`, `resnet18(num_classes=1000)` and
/// `gpt(vocab_size, block_size, n_layer, n_head, n_embd, dropout=0.0)`. Arguments bind like Python's: positionals first, then
/// keywords, with PyTorch's parameter names and defaults.
public enum ModelFactory {
  /// Builds the module a spec describes.
  ///
  /// - Parameters:
  ///   - spec: the parsed spec.
  ///   - generator: where initial values are drawn from (seed it first, as `torch.manual_seed`).
  /// - Throws: `NNError` naming the constructor and argument that is wrong.
  public static func make(_ spec: ModelSpec, generator: Generator) throws(NNError) -> Module {
    try make(spec.root, source: spec.source, generator: generator)
  }

  /// Parses and builds in one step.
  public static func make(_ text: String, generator: Generator) throws(NNError) -> Module {
    try make(ModelSpec(parsing: text), generator: generator)
  }

  /// The constructors the factory knows (PyTorch's class names).
  public static let constructorNames =
    [
      "Linear", "Conv2d", "BatchNorm2d", "ReLU", "Tanh", "Sigmoid", "MaxPool2d", "AvgPool2d",
      "AdaptiveAvgPool2d", "Flatten", "Dropout", "Sequential",
    ] + transformerConstructorNames

  /// The names the factory knows, constructors then `ModelZoo.names`, for `--help` and error
  /// messages.
  public static let knownNames =
    constructorNames + ModelZoo.names + ModelZoo.configuredNames + ModelZoo.transformerNames

  static func make(_ call: ModelSpec.Call, source: String, generator g: Generator)
    throws(NNError) -> Module
  {
    var a = ArgumentBinder(call: call, source: source)
    switch call.name {
    case "Linear":
      try a.bind(["in_features", "out_features", "bias"], required: 2)
      let m = Linear(
        try a.int("in_features", min: 0), try a.int("out_features", min: 0),
        bias: try a.bool("bias", default: true), generator: g)
      return m
    case "Conv2d":
      try a.bind(
        [
          "in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups",
          "bias", "padding_mode",
        ], required: 3)
      let cin = try a.int("in_channels", min: 1)
      let cout = try a.int("out_channels", min: 1)
      let groups = try a.int("groups", default: 1, min: 1)
      guard cin % groups == 0 else { throw a.error("in_channels must be divisible by groups") }
      guard cout % groups == 0 else { throw a.error("out_channels must be divisible by groups") }
      if let mode = try a.stringIfPresent("padding_mode"), mode != "zeros" {
        throw a.error("padding_mode '\(mode)' is not supported (only 'zeros')")
      }
      let conv = Conv2d(
        cin, cout, kernelSize: try a.pair("kernel_size", min: 1),
        stride: try a.pair("stride", default: (1, 1), min: 1),
        padding: try a.pair("padding", default: (0, 0), min: 0),
        dilation: try a.pair("dilation", default: (1, 1), min: 1),
        groups: groups, bias: try a.bool("bias", default: true), generator: g)
      conv.argumentSpellings = a.spellings(["kernel_size", "stride", "padding", "dilation"])
      return conv
    case "BatchNorm2d":
      try a.bind(["num_features", "eps", "momentum", "affine", "track_running_stats"], required: 1)
      let bn = BatchNorm2d(
        try a.int("num_features", min: 1), eps: try a.double("eps", default: 1e-5),
        momentum: try a.optionalDouble("momentum", default: 0.1),
        affine: try a.bool("affine", default: true),
        trackRunningStats: try a.bool("track_running_stats", default: true))
      bn.argumentSpellings = a.spellings(["eps", "momentum"])
      return bn
    case "ReLU", "Tanh", "Sigmoid":
      try a.bind(call.name == "ReLU" ? ["inplace"] : [], required: 0)
      let inplace = try a.bool("inplace", default: false)
      return call.name == "ReLU" ? ReLU(inplace: inplace) : call.name == "Tanh" ? Tanh() : Sigmoid()
    case "Flatten":
      try a.bind(["start_dim", "end_dim"], required: 0)
      return Flatten(
        startDim: try a.int("start_dim", default: 1), endDim: try a.int("end_dim", default: -1))
    case "Dropout":
      try a.bind(["p", "inplace"], required: 0)
      let p = try a.double("p", default: 0.5)
      guard p >= 0 && p <= 1 else {
        throw a.error("dropout probability has to be between 0 and 1, but got \(p)")
      }
      let dropout = Dropout(p: p, inplace: try a.bool("inplace", default: false), generator: g)
      dropout.argumentSpellings = a.spellings(["p"])
      return dropout
    case "MaxPool2d":
      try a.bind(
        ["kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"], required: 1
      )
      let k = try a.pair("kernel_size", min: 1)
      let pool = MaxPool2d(
        kernelSize: k, stride: try a.optionalPair("stride", min: 1),
        padding: try a.pair("padding", default: (0, 0), min: 0),
        dilation: try a.pair("dilation", default: (1, 1), min: 1),
        ceilMode: try a.bool("ceil_mode", default: false),
        returnIndices: try a.bool("return_indices", default: false))
      pool.argumentSpellings = a.spellings(["kernel_size", "stride", "padding", "dilation"])
      return pool
    case "AvgPool2d":
      try a.bind(["kernel_size", "stride", "padding"], required: 1)
      let pool = AvgPool2d(
        kernelSize: try a.pair("kernel_size", min: 1), stride: try a.optionalPair("stride", min: 1),
        padding: try a.pair("padding", default: (0, 0), min: 0))
      pool.argumentSpellings = a.spellings(["kernel_size", "stride", "padding"])
      return pool
    case "AdaptiveAvgPool2d":
      try a.bind(["output_size"], required: 1)
      let pool = AdaptiveAvgPool2d(outputSize: try a.pair("output_size", min: 1))
      pool.argumentSpellings = a.spellings(["output_size"])
      return pool
    case "Sequential":
      guard call.keywords.isEmpty else { throw a.error("Sequential() takes no keyword arguments") }
      var layers: [Module] = []
      for value in call.positional {
        guard case .call(let inner) = value else {
          throw a.error("Sequential() arguments must be modules, got \(value)")
        }
        layers.append(try make(inner, source: source, generator: g))
      }
      return Sequential(layers)
    case "simple":
      try a.bind([], required: 0)
      // The guides' SimpleModel: `self.fc = nn.Linear(10, 1)`.
      return SimpleModel(generator: g)
    case "mlp", "cnn", "gpt_tiny", "transformer_encoder":
      try a.bind([], required: 0)
      let zoo = try ModelSpec(parsing: ModelZoo.spec(named: call.name) ?? "")
      return try make(zoo.root, source: zoo.source, generator: g)
    case "resnet18":
      try a.bind(["num_classes"], required: 0)
      return ResNet18(numClasses: try a.int("num_classes", default: 1000, min: 1), generator: g)
    default:
      if let m = try makeTransformerModule(call, source: source, generator: g) { return m }
      throw NNError.invalidSpec(
        "unknown module '\(call.name)'; known: \(knownNames.joined(separator: ", "))",
        source: source, offset: call.offset)
    }
  }
}
