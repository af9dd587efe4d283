import Foundation
import ReproFormat
import ReproHarness
import ReproTestSupport
import Testing

/// `FileComparison` as the one result model: a case per key that `JUnitReport` and
/// `HTMLReport` write, on the training checkpoints of Golden/pytorch/compare
/// (Scripts/make_compare_goldens.py; values.json holds torch's verdict per key).
@Suite struct FileComparisonResultsTests {
  struct Golden: Decodable {
    struct Key: Decodable { var torchPassed: Bool }
    var keys: [String: Key]
  }

  static func compare(_ options: FileComparison.Options = .init()) throws -> FileComparison {
    let folder = "pytorch/compare/"
    let reference = try Checkpoint.load(
      contentsOf: Repository.golden(folder + "values_reference.pt"), policy: .trusted)
    let candidate = try Checkpoint.load(
      contentsOf: Repository.golden(folder + "values_candidate.pt"), policy: .trusted)
    return FileComparison.compare(
      reference, candidate, options: options, referenceName: "values_reference.pt",
      candidateName: "values_candidate.pt")
  }

  static func golden() throws -> Golden {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let url = Repository.golden("pytorch/compare/values.json")
    return try decoder.decode(Golden.self, from: Data(contentsOf: url))
  }

  @Test func everyKeyIsACaseWithTorchsVerdict() throws {
    let golden = try Self.golden()
    let cases = try Self.compare().caseResults(idPrefix: "compare/")
    #expect(cases.count == golden.keys.count)
    for c in cases {
      let key = String(c.id.dropFirst("compare/".count))
      let g = try #require(golden.keys[key], "\(c.id)")
      #expect(c.status == (g.torchPassed ? .pass : .fail), "\(c.id)")
      #expect(c.model == "values_candidate.pt")
      #expect(c.tensors.count == 1)
      #expect(c.tensors.first?.golden == "values_reference.pt")
    }
  }

  @Test func missingUnexpectedAndDuplicateKeysAreFailingCases() throws {
    // Candidate keys get "c/"; then c/loss and c/lr are both renamed lr (a duplicate), and the
    // first of them (c/loss, 0.25000001) is compared with the reference's lr (0.001).
    var options = FileComparison.Options(only: ["epoch", "loss", "lr", "c/epoch", "c/lr"])
    options.addPrefix = "c/"
    options.renames = [.init(from: "c/loss", to: "lr"), .init(from: "c/lr", to: "lr")]
    let result = try Self.compare(options)
    #expect(result.missingKeys == ["epoch", "loss"])
    #expect(result.unexpectedKeys == ["c/epoch"])
    #expect(result.rows.map(\.worstCandidate) == ["0.25000001"])
    #expect(result.duplicateKeys.map(\.originalKeys) == [["loss", "lr"]])  // as in the file
    let ids = result.caseResults().map { "\($0.id) \($0.status) \($0.axes["kind"] ?? "")" }
    #expect(
      ids == [
        "lr fail value", "epoch fail missing", "loss fail missing", "c/epoch fail unexpected",
        "lr (duplicate in the candidate) fail duplicate",
      ])
  }

  @Test func junitOfAComparisonIsValidAgainstTheSchema() throws {
    let data = try Self.compare().junitData()
    let errors = try XMLSchemaValidator(schemaAt: JUnitReportTests.schemaURL).errors(in: data)
    #expect(errors.isEmpty, "\(errors)")
  }
}
