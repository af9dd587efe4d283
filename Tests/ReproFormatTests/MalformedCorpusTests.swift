import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// One broken file of Golden/malformed (made by Scripts/make_malformed_corpus.py) with the
/// error Repro must give.
struct MalformedCase: CustomTestStringConvertible, Sendable {
  let file: String
  let broken: String
  let codes: [String]
  let messageContains: String
  /// Read with opaque objects allowed (`--trust`), to reach an error behind a refused global.
  let trust: Bool
  var testDescription: String { file }

  static func all() -> [MalformedCase] {
    let url = Repository.golden("malformed/MANIFEST.json")
    guard let doc = try? TestJSON.pythonJSON(Data(contentsOf: url)) as? [String: Any],
      let files = doc["files"] as? [[String: Any]]
    else { return [] }
    return files.map {
      MalformedCase(
        file: $0["file"] as? String ?? "", broken: $0["broken"] as? String ?? "",
        codes: [$0["code"] as? String ?? ""] + ($0["alt_codes"] as? [String] ?? []),
        messageContains: $0["message_contains"] as? String ?? "",
        trust: $0["trust"] as? Bool ?? false)
    }
  }
}

/// Every malformed file ends in a typed `FormatError` whose code and message say what is wrong:
/// never a crash, a hang, or a success.
@Suite struct MalformedCorpusTests {
  static let cases = MalformedCase.all()

  @Test func corpusIsPresent() {
    #expect(Self.cases.count >= 40, "found \(Self.cases.count) malformed files")
  }

  @Test(arguments: cases)
  func malformedFileGivesATypedError(_ c: MalformedCase) {
    let url = Repository.golden("malformed/\(c.file)")
    do {
      let checkpoint = try Checkpoint.load(
        contentsOf: url, policy: c.trust ? .trusted : .weightsOnly)
      _ = Inventory(of: checkpoint).jsonText()
      #expect(c.codes == ["loads"], "\(c.file) loaded without error; broken: \(c.broken)")
    } catch {
      #expect(
        c.codes.contains(error.code.description),
        "\(c.file): code \(error.code), expected \(c.codes): \(error.message)")
      // What users see: `code: message`.
      #expect(
        error.description.lowercased().contains(c.messageContains.lowercased()),
        "\(c.file): \"\(error.description)\" does not mention \"\(c.messageContains)\" (\(c.broken))"
      )
    }
  }
}
