/// A `[[roundtrip]]` entry: the user's checkpoint through Repro's save and reload matrix.
///
/// ```toml
/// [[roundtrip]]
/// name = "training checkpoint round trips"
/// checkpoint = "checkpoint.pt"
/// formats = ["torch", "safetensors"]
/// dtypes = ["float32", "float16"]
/// ```
public struct RoundTripEntry: Sendable, Hashable, Decodable {
  /// The name in case ids; nil takes the checkpoint's path.
  public var name: String?
  /// The checkpoint, relative to the suite file.
  public var checkpoint: String
  /// Formats to save in (`torch`, `safetensors`); empty takes the check's default.
  public var formats: [String]
  /// Dtypes to cast to; empty takes the check's default.
  public var dtypes: [String]
  /// Device tags to save with; empty takes the check's default.
  public var devices: [String]
  /// Ways to load back; empty takes the check's default.
  public var routes: [String]
  /// Relative tolerance of casts (with `atol`); nil takes `assert_close`'s default.
  public var rtol: Double?
  /// Absolute tolerance of casts (with `rtol`).
  public var atol: Double?
  /// `map_location` in `--map-location` syntax.
  public var mapLocation: String?
  /// Read whole-model files' classes as opaque objects.
  public var trust: Bool

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, checkpoint, formats, dtypes, devices, routes, rtol, atol, trust
    case mapLocation = "map_location"
  }

  /// Decodes an entry (see `SuiteSchema.tables["roundtrip"]`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decodeIfPresent(String.self, forKey: .name)
    checkpoint = try c.decode(String.self, forKey: .checkpoint)
    formats = try c.decodeIfPresent([String].self, forKey: .formats) ?? []
    dtypes = try c.decodeIfPresent([String].self, forKey: .dtypes) ?? []
    devices = try c.decodeIfPresent([String].self, forKey: .devices) ?? []
    routes = try c.decodeIfPresent([String].self, forKey: .routes) ?? []
    rtol = try c.decodeNumber(forKey: .rtol)
    atol = try c.decodeNumber(forKey: .atol)
    mapLocation = try c.decodeMapLocation(forKey: .mapLocation)
    trust = try c.decodeIfPresent(Bool.self, forKey: .trust) ?? false
  }

  /// The name used in case ids.
  public var displayName: String { name ?? checkpoint }
}
