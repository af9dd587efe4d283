import Foundation
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Broken sharded, DCP and TorchScript checkpoints (`Scripts/make_container_malformed.py`,
/// Golden/malformed-containers/) each give a typed error naming the file and the key.
@Suite struct ContainerMalformedTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let file: String
    let broken: String
    let codes: [String]
    let messageContains: String
    var testDescription: String { file }
  }

  static let cases: [Case] = {
    let url = Repository.root.appendingPathComponent("Golden/malformed-containers/MANIFEST.json")
    guard let doc = try? TestJSON.pythonJSON(Data(contentsOf: url)) as? [String: Any],
      let files = doc["files"] as? [[String: Any]]
    else { return [] }
    return files.map {
      Case(
        file: $0["file"] as? String ?? "", broken: $0["broken"] as? String ?? "",
        codes: [$0["code"] as? String ?? ""] + ($0["alt_codes"] as? [String] ?? []),
        messageContains: $0["message_contains"] as? String ?? "")
    }
  }()

  @Test func corpusIsPresent() {
    #expect(Self.cases.count >= 9, "found \(Self.cases.count) cases")
  }

  @Test(arguments: cases)
  func brokenContainerGivesATypedError(_ c: Case) {
    let url = Repository.root.appendingPathComponent("Golden/malformed-containers/\(c.file)")
    let error = #expect(throws: FormatError.self, "\(c.file) loaded; broken: \(c.broken)") {
      _ = try Checkpoint.load(contentsOf: url)
    }
    guard let error else { return }
    #expect(
      c.codes.contains(error.code.description), "\(c.file): code \(error.code): \(error.message)")
    #expect(
      error.description.contains(c.messageContains),
      "\(c.file): \"\(error.description)\" does not mention \"\(c.messageContains)\"")
  }
}
