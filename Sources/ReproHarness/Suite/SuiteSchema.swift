/// Every key a suite file (`repro.toml`) may hold, with its TOML type and meaning: the one list
/// behind the decoder's error messages, `repro suite init` and the README's "Suite files" section
/// (a test checks that the README documents each key).
///
/// Tables: `""` is the top level, `compare`, `roundtrip`, `golden` and `generate` are the
/// `[[compare]]`, `[[roundtrip]]`, `[[golden]]` and `[[generate]]` arrays of tables.
public enum SuiteSchema {
  /// One key of a table.
  public struct Key: Sendable, Hashable {
    /// The key as written in TOML (`strip_prefix`).
    public var name: String
    /// Its TOML type in words (`a string or a list of strings`).
    public var type: String
    /// Whether an entry must set it.
    public var isRequired: Bool
    /// What it does, one line.
    public var summary: String

    init(_ name: String, _ type: String, required: Bool = false, _ summary: String) {
      self.name = name
      self.type = type
      self.isRequired = required
      self.summary = summary
    }
  }

  static let string = "a string"
  static let strings = "a string or a list of strings"
  static let float = "a number"
  static let bool = "a boolean"
  static let location = "a string (cpu, cuda:1=cuda:0,...) or a table of device = device"
  static let list = "a list of strings"

  static let loading: [Key] = [
    Key("map_location", location, "where storages go, as torch.load's map_location"),
    Key("trust", bool, "read whole-model files' classes as opaque objects (nothing is executed)"),
  ]

  /// The keys of each table, by table name (`""` for the top level).
  public static let tables: [String: [Key]] = [
    "": [
      Key(
        "golden_dir", string, "this suite's golden folder, relative to the file (default golden)"),
      Key("compare", "an array of tables", "[[compare]] entries"),
      Key("roundtrip", "an array of tables", "[[roundtrip]] entries"),
      Key("golden", "an array of tables", "[[golden]] entries"),
      Key("generate", "an array of tables", "[[generate]] entries"),
    ],
    "compare": [
      Key("name", string, "the entry's name in case ids (default: reference vs candidate)"),
      Key("reference", string, required: true, "the expected checkpoint"),
      Key("candidate", string, required: true, "the checkpoint under test"),
      Key("strip_prefix", strings, "prefixes stripped from the keys of either file"),
      Key("rtol", float, "relative tolerance (with atol); default: the dtypes' assert_close one"),
      Key("atol", float, "absolute tolerance (with rtol)"),
      Key("bitwise", bool, "bytes, dtype, shape, stride and device must be equal"),
      Key("equal_nan", bool, "two NaNs at the same index are equal"),
      Key("strict_dtype", bool, "a dtype difference fails the key"),
      Key("max_ulp", "an integer", "pass within this many ULPs of the less precise dtype"),
      Key("add_prefix", string, "a prefix put before every candidate key, after stripping"),
      Key(
        "rename", "a list of FROM=TO strings or a table of FROM = TO",
        "key renames after the prefixes; the first that applies wins"),
      Key("only", strings, "compare only the keys matching these globs (* and ?)"),
      Key("ignore", strings, "leave out the keys matching these globs"),
      Key("mmap", bool, "memory-map both files"),
    ] + loading,
    "roundtrip": [
      Key("name", string, "the entry's name in case ids (default: the checkpoint's path)"),
      Key("checkpoint", string, required: true, "the file sent through save and reload"),
      Key("formats", list, "formats to save in (torch, safetensors)"),
      Key(
        "dtypes", list, "dtypes to cast to; same-dtype trips are bitwise, casts within tolerance"),
      Key("devices", list, "device tags to save with (cpu, cuda:0, ...)"),
      Key("routes", list, "ways to load back (plain, mmap, non_strict, data_parallel)"),
      Key("rtol", float, "relative tolerance of casts (with atol)"),
      Key("atol", float, "absolute tolerance of casts (with rtol)"),
    ] + loading,
    "golden": [
      Key("name", string, "the golden's name (default: the file's path)"),
      Key(
        "file", string, required: true, "the file that must keep matching its recorded inventory"),
    ] + loading,
    "generate": [
      Key("name", string, "the entry's name in case ids and golden files (default: the model)"),
      Key("model", string, required: true, "a spec in PyTorch's constructor syntax or a zoo name"),
      Key("seeds", "a list of integers", "torch.manual_seed values (default [0])"),
      Key("dtypes", list, "dtypes the model is cast to (default [\"float32\"])"),
    ],
  ]

  /// The key `name` of `table`, or nil when the table has no such key.
  public static func key(_ name: String, in table: String) -> Key? {
    tables[table]?.first { $0.name == name }
  }

  /// The table as written in a file: `[[compare]]`, or `the top level`.
  public static func title(of table: String) -> String {
    table.isEmpty ? "the top level" : "[[\(table)]]"
  }
}
