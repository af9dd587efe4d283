/// What a suite file (`repro.toml`) declares, decoded from TOML: the golden folder and the
/// `[[compare]]`, `[[roundtrip]]`, `[[golden]]` and `[[generate]]` entries.
///
/// Paths are relative to the suite file. `Suite.load(from:)` reads and checks a file; every key
/// is listed in `SuiteSchema`.
///
/// The golden folder is `golden_dir`, not `golden`: TOML cannot hold a `golden` string beside
/// the `[[golden]]` array of tables.
public struct SuiteFile: Sendable, Hashable, Decodable {
  /// The golden folder, relative to the suite file (`golden_dir`, default `golden`).
  public var goldenDir: String
  /// The `[[compare]]` entries.
  public var compare: [CompareEntry]
  /// The `[[roundtrip]]` entries.
  public var roundtrip: [RoundTripEntry]
  /// The `[[golden]]` entries.
  public var golden: [GoldenEntry]
  /// The `[[generate]]` entries.
  public var generate: [GenerateEntry]

  enum CodingKeys: String, CodingKey, CaseIterable {
    case compare, roundtrip, golden, generate
    case goldenDir = "golden_dir"
  }

  /// Decodes a suite (see `SuiteSchema.tables`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    goldenDir = try c.decodeIfPresent(String.self, forKey: .goldenDir) ?? "golden"
    compare = try c.decodeIfPresent([CompareEntry].self, forKey: .compare) ?? []
    roundtrip = try c.decodeIfPresent([RoundTripEntry].self, forKey: .roundtrip) ?? []
    golden = try c.decodeIfPresent([GoldenEntry].self, forKey: .golden) ?? []
    generate = try c.decodeIfPresent([GenerateEntry].self, forKey: .generate) ?? []
  }
}
