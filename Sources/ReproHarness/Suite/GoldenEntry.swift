/// A `[[golden]]` entry: a file that must keep matching the inventory recorded for it (dtype,
/// shape, stride, device and sha256 of every tensor, and every other value).
///
/// ```toml
/// [[golden]]
/// name = "released weights unchanged"
/// file = "model.pt"
/// ```
public struct GoldenEntry: Sendable, Hashable, Decodable {
  /// The golden's name; nil takes the file's path.
  public var name: String?
  /// The file, relative to the suite file.
  public var file: String
  /// `map_location` in `--map-location` syntax.
  public var mapLocation: String?
  /// Read whole-model files' classes as opaque objects.
  public var trust: Bool

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, file, trust
    case mapLocation = "map_location"
  }

  /// Decodes an entry (see `SuiteSchema.tables["golden"]`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decodeIfPresent(String.self, forKey: .name)
    file = try c.decode(String.self, forKey: .file)
    mapLocation = try c.decodeMapLocation(forKey: .mapLocation)
    trust = try c.decodeIfPresent(Bool.self, forKey: .trust) ?? false
  }

  /// The name used in case ids.
  public var displayName: String { name ?? file }
}
