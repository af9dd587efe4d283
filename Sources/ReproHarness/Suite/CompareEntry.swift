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
  /// Pass when every element is within this many units in the last place of the less precise
  /// dtype (`max_ulp`), instead of the tolerance.
  public var maxULP: UInt64?
  /// A prefix put before every candidate key, after stripping (`add_prefix`).
  public var addPrefix: String?
  /// Key renames (`rename = ["fc=classifier"]`, or a table `{ fc = "classifier" }`), the first
  /// that applies to a key wins.
  public var renames: [FileComparison.KeyRename]
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
    case rename
    case maxULP = "max_ulp"
    case addPrefix = "add_prefix"
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
    // Decoded as a signed integer: TOMLKit traps converting a negative one to UInt64.
    let ulp = try c.decodeIfPresent(Int64.self, forKey: .maxULP)
    if let ulp, ulp < 0 {
      throw DecodingError.dataCorruptedError(
        forKey: .maxULP, in: c, debugDescription: "must not be negative, not \(ulp)")
    }
    maxULP = ulp.map { UInt64($0) }
    addPrefix = try c.decodeIfPresent(String.self, forKey: .addPrefix)
    renames = try c.decodeRenames(forKey: .rename)
    only = try c.decodeStrings(forKey: .only)
    ignore = try c.decodeStrings(forKey: .ignore)
    mmap = try c.decodeIfPresent(Bool.self, forKey: .mmap) ?? false
    mapLocation = try c.decodeMapLocation(forKey: .mapLocation)
    trust = try c.decodeIfPresent(Bool.self, forKey: .trust) ?? false
  }

  /// The options of `FileComparison.compare` this entry asks for.
  public var options: FileComparison.Options {
    FileComparison.Options(
      tolerance: rtol.flatMap { r in atol.map { Tolerance(relative: r, absolute: $0) } },
      bitwise: bitwise, equalNaN: equalNaN, strictDtype: strictDtype, maxULP: maxULP,
      stripPrefixes: stripPrefix, addPrefix: addPrefix, renames: renames, only: only,
      ignore: ignore)
  }

  /// The name used in case ids.
  public var displayName: String { name ?? "\(reference) vs \(candidate)" }
}
