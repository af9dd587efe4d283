/// A `[[compare]]` entry: a reference and a candidate checkpoint compared key by key, as
/// `repro compare` does, each key one case.
///
/// ```toml
/// [[compare]]
/// name = "fp16 export stays close"
/// reference = "model.pt"
/// candidate = "model.fp16.safetensors"
/// strip_prefix = "module."
/// ```
public struct CompareEntry: Sendable, Hashable, Decodable {
  /// The name in case ids (`compare/<name>/<key>`); nil takes `reference vs candidate`.
  public var name: String?
  /// The expected checkpoint, relative to the suite file.
  public var reference: String
  /// The checkpoint under test, relative to the suite file.
  public var candidate: String
  /// Prefixes stripped from every key of either file (`strip_prefix`).
  public var stripPrefix: [String]
  /// Relative tolerance (with `atol`).
  public var rtol: Double?
  /// Absolute tolerance (with `rtol`).
  public var atol: Double?
  /// Bytes, dtype, shape, stride and device must be equal.
  public var bitwise: Bool
  /// Two NaNs at the same index are equal (`equal_nan`).
  public var equalNaN: Bool
  /// A dtype difference fails the key (`strict_dtype`).
  public var strictDtype: Bool
  /// Globs of the keys compared; empty compares every key.
  public var only: [String]
  /// Globs of the keys left out.
  public var ignore: [String]
  /// Memory-map both files.
  public var mmap: Bool
  /// `map_location` in `--map-location` syntax (`cpu`, `cuda:1=cuda:0`).
  public var mapLocation: String?
  /// Read whole-model files' classes as opaque objects.
  public var trust: Bool

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, reference, candidate, rtol, atol, bitwise, only, ignore, mmap, trust
    case stripPrefix = "strip_prefix"
    case equalNaN = "equal_nan"
    case strictDtype = "strict_dtype"
    case mapLocation = "map_location"
  }

  /// Decodes an entry (see `SuiteSchema.tables["compare"]`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decodeIfPresent(String.self, forKey: .name)
    reference = try c.decode(String.self, forKey: .reference)
    candidate = try c.decode(String.self, forKey: .candidate)
    stripPrefix = try c.decodeStrings(forKey: .stripPrefix)
    rtol = try c.decodeNumber(forKey: .rtol)
    atol = try c.decodeNumber(forKey: .atol)
    bitwise = try c.decodeIfPresent(Bool.self, forKey: .bitwise) ?? false
    equalNaN = try c.decodeIfPresent(Bool.self, forKey: .equalNaN) ?? false
    strictDtype = try c.decodeIfPresent(Bool.self, forKey: .strictDtype) ?? false
    only = try c.decodeStrings(forKey: .only)
    ignore = try c.decodeStrings(forKey: .ignore)
    mmap = try c.decodeIfPresent(Bool.self, forKey: .mmap) ?? false
    mapLocation = try c.decodeMapLocation(forKey: .mapLocation)
    trust = try c.decodeIfPresent(Bool.self, forKey: .trust) ?? false
  }

  /// The name used in case ids.
  public var displayName: String { name ?? "\(reference) vs \(candidate)" }
}
