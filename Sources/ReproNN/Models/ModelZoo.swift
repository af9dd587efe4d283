public import ReproTensor

/// The named models of the zoo (`simple`, `mlp`, `cnn`, `resnet18`): their names, their specs in
/// PyTorch syntax, and the example input each one's forward pass is checked on.
///
/// ```swift
/// for name in ModelZoo.names {
///   let model = try ModelFactory.make(name, generator: Generator(seed: UInt64(0)))
///   if let x = try ModelZoo.exampleInput(named: name, seed: 0) { print(try model(x).shape) }
/// }
/// ```
public enum ModelZoo {
  /// Every zoo name, in the order the matrix and `--list-models` use.
  public static let names = ["simple", "mlp", "cnn", "resnet18"]

  /// Zoo models that take their sizes as arguments.
  ///
  /// `gpt(vocab_size, block_size, n_layer, n_head, n_embd)` is nanoGPT's GPT-2 layout (see
  /// `GPT`). They are not in `names` (the default matrix).
  public static let configuredNames = ["gpt"]

  /// The transformer models of the default matrix, named so that case ids and filters stay
  /// plain: `gpt_tiny` is `gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)`,
  /// `transformer_encoder` is `TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0)`.
  public static let transformerNames = ["gpt_tiny", "transformer_encoder"]

  /// The spec text of a zoo model, or nil for an unknown name and for `resnet18` (built in code
  /// as torchvision builds it).
  ///
  /// - `simple`: the PyTorch guides' `SimpleModel` (`self.fc = nn.Linear(10, 1)`).
  /// - `mlp`: `Sequential(Linear(16, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 4))`.
  /// - `cnn`: a small conv net for 3×16×16 input.
  public static func spec(named name: String) -> String? {
    switch name {
    case "simple": "SimpleModel: fc = Linear(10, 1)"
    case "mlp": "Sequential(Linear(16, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 4))"
    case "gpt_tiny": "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)"
    case "transformer_encoder": "TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0)"
    case "cnn":
      "Sequential(Conv2d(3, 8, 3, padding=1), BatchNorm2d(8), ReLU(), MaxPool2d(2), Conv2d(8, 16, 3, padding=1), BatchNorm2d(16), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(16, 10))"
    default: nil
    }
  }

  /// The shape of a model's example input, batch included; nil for an unknown name.
  ///
  /// Batch 2 for the small models, and one 3×32×32 image for `resnet18` (its adaptive pooling
  /// takes any size; 224×224 is the benchmark's job).
  public static func exampleInputShape(named name: String) -> [Int]? {
    switch name {
    case "simple": [2, 10]
    case "mlp": [2, 16]
    case "cnn": [2, 3, 16, 16]
    case "resnet18": [1, 3, 32, 32]
    case "gpt_tiny": [2, 16]
    case "transformer_encoder": [4, 2, 16]
    default: nil
    }
  }

  /// The example input of a model; nil for an unknown name.
  ///
  /// `torch.Generator().manual_seed(10_000 + seed)`, then `randn(exampleInputShape)`, cast to
  /// `dtype`; for `gpt_tiny`, `randint(0, 64, exampleInputShape)` token ids (int64).
  ///
  /// - Throws: `TensorError` from `randn` (never, for the zoo's shapes).
  public static func exampleInput(named name: String, seed: UInt64, dtype: DType = .float32)
    throws(TensorError) -> Tensor?
  {
    guard let shape = exampleInputShape(named: name) else { return nil }
    if name == "gpt_tiny" {
      // Token ids: `randint(0, vocab_size, (2, block_size))`, int64 whatever `dtype`.
      return try Generator(seed: seed &+ 10_000).randint(low: 0, high: 64, shape: shape)
    }
    let x = try Generator(seed: seed &+ 10_000).randn(shape: shape)
    return dtype == .float32 ? x : x.to(dtype)
  }
}
