import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// Suite files decoded by TOMLKit: the committed example, every value shape, and refusals that
/// name the file, the line and the key.
@Suite struct SuiteFileTests {
  static let example = Repository.golden("suites/example/repro.toml")

  /// Writes `text` as `repro.toml` in a fresh folder and loads it.
  static func load(_ text: String) throws -> Suite {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-suite")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("repro.toml")
    try Data(text.utf8).write(to: file)
    return try Suite.load(from: file, displayPath: "repro.toml")
  }

  /// The message of the error loading `text` gives.
  static func refusal(_ text: String) throws -> HarnessError {
    do {
      _ = try load(text)
    } catch let error as HarnessError {
      return error
    }
    throw TestSupportError("the suite was accepted: \(text)")
  }

  @Test func theExampleSuiteDecodesEveryEntry() throws {
    let suite = try Suite.load(from: Self.example)
    let d = suite.definition
    #expect(d.goldenDir == "golden")
    #expect(
      d.compare.map(\.displayName) == [
        "fp16 export stays close", "DataParallel copy is the same model",
      ])
    #expect(d.compare[1].stripPrefix == ["module."] && d.compare[1].bitwise)
    #expect(d.roundtrip.map(\.checkpoint) == ["model.pt", "checkpoint.pt"])
    #expect(d.roundtrip[0].formats == ["torch", "safetensors"])
    #expect(d.golden.map(\.file) == ["model.pt", "model.fp16.safetensors", "checkpoint.pt"])
    #expect(d.generate.first?.seeds == [0, 1])
    #expect(d.generate.first?.dtypes == ["float32", "bfloat16"])
    #expect(suite.goldenRoot.path.hasSuffix("Golden/suites/example/golden"))
  }

  @Test func valuesTakeEveryShapeTheSchemaAllows() throws {
    let suite = try Self.load(
      """
      [[compare]]
      reference = "a.pt"
      candidate = "b.pt"
      strip_prefix = ["module.", "model."]
      rtol = 0
      atol = 1e-5
      only = "0.*"
      map_location = { "cuda:1" = "cuda:0", "cuda:2" = "cpu" }

      [[generate]]
      model = "mlp"
      """)
    let e = try #require(suite.definition.compare.first)
    #expect(e.stripPrefix == ["module.", "model."])
    #expect(e.rtol == 0 && e.atol == 1e-5)
    #expect(e.only == ["0.*"])
    #expect(e.mapLocation == "cuda:1=cuda:0,cuda:2=cpu")
    #expect(e.displayName == "a.pt vs b.pt")
    #expect(suite.definition.goldenDir == "golden")
    #expect(suite.definition.generate.first?.seeds == [0])
    #expect(suite.definition.generate.first?.dtypes == ["float32"])
  }

  @Test func anUnknownKeyIsRefusedWithFileLineAndKey() throws {
    let error = try Self.refusal(
      """
      golden_dir = "golden"

      [[compare]]
      reference = "a.pt"
      candidate = "b.pt"

      [[compare]]
      reference = "a.pt"
      candidate = "b.pt"
      rtl = 1e-3
      """)
    #expect(error.code == .invalidSuite)
    #expect(
      error.message
        == "repro.toml:10: unknown key 'rtl' in [[compare]] #2; known keys: name, reference, candidate, strip_prefix, rtol, atol, bitwise, equal_nan, strict_dtype, max_ulp, add_prefix, rename, only, ignore, mmap, map_location, trust"
    )
  }

  @Test func anUnknownTopLevelKeyIsRefused() throws {
    let error = try Self.refusal("golden_dir = \"g\"\nsuite = 1\n")
    #expect(
      error.message
        == "repro.toml:2: unknown key 'suite' at the top level; known keys: golden_dir, compare, roundtrip, golden, generate"
    )
  }

  @Test func aTypeErrorIsRefusedWithFileLineAndKey() throws {
    let error = try Self.refusal(
      """
      [[generate]]
      model = "mlp"

      [[compare]]
      reference = "a.pt"
      candidate = "b.pt"
      bitwise = "yes"
      """)
    #expect(error.code == .invalidSuite)
    #expect(
      error.message
        == "repro.toml:7: key 'bitwise' in [[compare]] #1 must be a boolean, not a string (\"yes\")"
    )
  }

  @Test func aTopLevelTypeErrorUsesTheRightArticle() throws {
    let error = try Self.refusal("# comment\ngolden_dir = 3\n")
    #expect(error.message == "repro.toml:2: key 'golden_dir' must be a string, not an integer (3)")
    let tables = try Self.refusal("compare = \"model.pt\"\n")
    #expect(
      tables.message
        == "repro.toml:1: key 'compare' must be an array of tables, not a string (\"model.pt\")")
  }

  @Test func aWrongItemInAListIsRefused() throws {
    let error = try Self.refusal("[[generate]]\nmodel = \"mlp\"\nseeds = [0, \"one\"]\n")
    #expect(
      error.message
        == "repro.toml:3: key 'seeds' in [[generate]] #1 must be a list of integers, not a string at item 2 (\"one\")"
    )
  }

  @Test func aMissingRequiredKeyIsNamed() throws {
    let error = try Self.refusal("[[golden]]\nname = \"weights\"\n")
    #expect(error.message == "repro.toml:1: missing the required key 'file' in [[golden]] #1")
  }

  @Test func aTOMLSyntaxErrorCarriesTOMLKitsPosition() throws {
    let error = try Self.refusal("golden_dir = \"golden\"\n[[compare]\nreference = 1\n")
    #expect(error.code == .invalidSuite)
    #expect(error.message.hasPrefix("repro.toml:2:"), "\(error.message)")
  }

  /// The sketch puts `golden = "golden"` beside `[[golden]]` tables: TOML (and toml++)
  /// refuse to redefine a string as an array of tables, so the folder key is `golden_dir`.
  @Test func aGoldenStringBesideGoldenTablesIsNotTOML() throws {
    let error = try Self.refusal("golden = \"golden\"\n\n[[golden]]\nfile = \"model.pt\"\n")
    #expect(error.message.hasPrefix("repro.toml:3:"), "\(error.message)")
  }

  @Test func valuesReproDoesNotKnowAreRefusedWhereTheyAre() throws {
    let cases: [(String, String)] = [
      (
        "[[generate]]\nmodel = \"mlp\"\ndtypes = [\"float17\"]\n",
        "repro.toml:3: key 'dtypes' in [[generate]] #1: unknown value 'float17'; one of float32, float16, bfloat16, float64"
      ),
      (
        "[[roundtrip]]\ncheckpoint = \"a.pt\"\nformats = [\"onnx\"]\n",
        "repro.toml:3: key 'formats' in [[roundtrip]] #1: unknown value 'onnx'; one of torch, safetensors, sharded-safetensors, sharded-torch"
      ),
      (
        "[[compare]]\nreference = \"a\"\ncandidate = \"b\"\nrtol = 0.1\n",
        "repro.toml:4: key 'rtol' in [[compare]] #1: rtol and atol go together"
      ),
      (
        "[[golden]]\nfile = \"a\"\nmap_location = \"gpu:x\"\n",
        "repro.toml:3: key 'map_location' in [[golden]] #1: 'gpu:x' is not a device (cpu, cuda:0) or a list of from=to devices"
      ),
      (
        "[[golden]]\nfile = \"a\"\n\n[[golden]]\nfile = \"a\"\n",
        "repro.toml:4: [[golden]] #2: the name 'a' is already used by entry #1"
      ),
    ]
    for (text, message) in cases {
      #expect(try Self.refusal(text).message == message)
    }
    let spec = try Self.refusal("[[generate]]\nmodel = \"Sequential(Linear(4, 8)\"\n")
    #expect(spec.message.hasPrefix("repro.toml:2: key 'model' in [[generate]] #1: "))
  }

  @Test func keyMappingAndULPKeysDecode() throws {
    let suite = try Self.load(
      """
      [[compare]]
      reference = "a.pt"
      candidate = "b.pt"
      max_ulp = 4
      add_prefix = "module."
      rename = ["0=fc1", "2.=fc2."]

      [[compare]]
      name = "table"
      reference = "a.pt"
      candidate = "b.pt"
      rename = { "2" = "fc2", "0" = "fc1" }
      """)
    let (list, table) = (suite.definition.compare[0], suite.definition.compare[1])
    #expect(list.maxULP == 4 && list.addPrefix == "module.")
    #expect(list.renames.map(\.from) == ["0", "2."] && list.renames.map(\.to) == ["fc1", "fc2."])
    #expect(table.renames.map(\.from) == ["0", "2"])
    #expect(list.options.maxULP == 4 && list.options.renames.count == 2)
    let negative = try Self.refusal(
      "[[compare]]\nreference = \"a\"\ncandidate = \"b\"\nmax_ulp = -1\n")
    #expect(
      negative.message
        == "repro.toml:4: key 'max_ulp' in [[compare]] #1: must not be negative, not -1")
    let rename = try Self.refusal(
      "[[compare]]\nreference = \"a\"\ncandidate = \"b\"\nrename = [\"fc\"]\n")
    #expect(
      rename.message == "repro.toml:4: key 'rename' in [[compare]] #1: item 1 'fc' is not FROM=TO")
    let both = try Self.refusal(
      "[[compare]]\nreference = \"a\"\ncandidate = \"b\"\nmax_ulp = 1\nbitwise = true\n")
    #expect(
      both.message
        == "repro.toml:4: key 'max_ulp' in [[compare]] #1: takes neither bitwise nor rtol/atol")
  }

  @Test func anUnreadableSuiteFileIsAnIOError() throws {
    #expect(throws: HarnessError.self) {
      try Suite.load(from: URL(fileURLWithPath: "/nonexistent/repro.toml"))
    }
  }

  /// Every key of the schema is documented in the README's "Suite files" section.
  @Test func theReadmeDocumentsEveryKey() throws {
    let readme = try String(
      contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "### Suite files"))
    let section = readme[start.upperBound...].prefix { _ in true }
    let end = section.range(of: "\n## ")?.lowerBound ?? section.endIndex
    let text = section[..<end]
    for (table, keys) in SuiteSchema.tables {
      for key in keys {
        #expect(text.contains("`\(key.name)`"), "README lacks \(table).\(key.name)")
      }
    }
  }
}
