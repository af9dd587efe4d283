/// A `[[generate]]` entry: the user's architecture generated from each seed in each dtype, as
/// `torch.manual_seed(seed)` + construction + cast makes it, its state dict checked against a
/// golden inventory (dtype, shape and sha256 of every tensor, in order).
///
/// ```toml
/// [[generate]]
/// model = "Sequential(Linear(4, 8), ReLU(), Linear(8, 2))"
/// seeds = [0, 1]
/// dtypes = ["float32", "bfloat16"]
/// ```
public struct GenerateEntry: Sendable, Hashable, Decodable {
  /// The name in case ids and golden file names; nil takes the model spec.
  public var name: String?
  /// The model: a spec in PyTorch's constructor syntax or a zoo name.
  public var model: String
  /// The seeds (`torch.manual_seed`; negative values wrap modulo 2^64 as torch does).
  public var seeds: [Int64]
  /// The dtypes the model is cast to (PyTorch names: float32, float16, bfloat16, float64).
  public var dtypes: [String]

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, model, seeds, dtypes
  }

  /// Decodes an entry (see `SuiteSchema.tables["generate"]`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decodeIfPresent(String.self, forKey: .name)
    model = try c.decode(String.self, forKey: .model)
    seeds = try c.decodeIfPresent([Int64].self, forKey: .seeds) ?? [0]
    dtypes = try c.decodeIfPresent([String].self, forKey: .dtypes) ?? ["float32"]
  }

  /// The name used in case ids.
  public var displayName: String { name ?? model }
}
