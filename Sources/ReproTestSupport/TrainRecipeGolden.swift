/// One training recipe of `Golden/pytorch/train/recipes.json`, as `Scripts/make_train_goldens.py`
/// ran it in PyTorch 2.13: the options, the seeds, and the loss and parameters it ended with.
///
/// ```swift
/// let recipes = try TrainRecipeGolden.all()
/// #expect(recipes.count == 12)
/// ```
public struct TrainRecipeGolden: Decodable, Sendable {
  /// The optimizer's keyword arguments (nil when the recipe leaves PyTorch's default).
  public struct Args: Decodable, Sendable {
    /// `lr`.
    public var lr: Double?
    /// `momentum` (SGD).
    public var momentum: Double?
    /// `dampening` (SGD).
    public var dampening: Double?
    /// `nesterov` (SGD).
    public var nesterov: Bool?
    /// `weight_decay`.
    public var weightDecay: Double?
    /// `betas` (Adam, AdamW).
    public var betas: [Double]?
    /// `eps` (Adam, AdamW).
    public var eps: Double?
    /// `amsgrad` (Adam, AdamW).
    public var amsgrad: Bool?
    /// `maximize`.
    public var maximize: Bool?

    private enum CodingKeys: String, CodingKey {
      case lr, momentum, dampening, nesterov, betas, eps, amsgrad, maximize
      case weightDecay = "weight_decay"
    }
  }

  /// `sgd`, `adam` or `adamw`.
  public var optimizer: String
  /// The optimizer's options.
  public var args: Args
  /// The autocast dtype (`bfloat16`, `float16`), nil for float32 training.
  public var amp: String?
  /// The model spec.
  public var spec: String
  /// The seed as given to `torch.manual_seed` (may be negative).
  public var seed: Int64
  /// The data generator's seed as given.
  public var dataSeed: Int64
  /// The seed as `torch.initial_seed()` reports it (wrapped modulo 2^64).
  public var initialSeed: UInt64
  /// The data generator's seed as `Generator.initial_seed()` reports it.
  public var dataInitialSeed: UInt64
  /// Optimizer steps.
  public var steps: Int
  /// Batch size.
  public var batch: Int
  /// The loss of the last step.
  public var loss: Double
  /// Every parameter after the last step, flattened, by state-dict key.
  public var params: [String: [Double]]

  private enum CodingKeys: String, CodingKey {
    case optimizer, args, amp, spec, seed, steps, batch, loss, params
    case dataSeed = "data_seed"
    case initialSeed = "initial_seed"
    case dataInitialSeed = "data_initial_seed"
  }

  /// Every recipe of the golden file.
  ///
  /// - Throws: `TestSupportError` naming the file when it cannot be read or decoded.
  public static func all() throws -> [TrainRecipeGolden] {
    struct File: Decodable { var cases: [TrainRecipeGolden] }
    return try TestJSON.decode(File.self, golden: "pytorch/train/recipes.json").cases
  }
}
