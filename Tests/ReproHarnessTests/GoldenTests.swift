import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproHarness

/// The committed goldens themselves: every byte matches MANIFEST.json, and every file Repro
/// writes matches its golden (the format regression gate).
///
/// Under `REPRO_RECORD` the gate records.
@Suite struct GoldenGateTests {
  @Test func everyGoldenByteMatchesTheManifest() throws {
    let manifest = try GoldenManifest.load(root: Repository.goldenRoot)
    #expect(manifest.schemaVersion == GoldenManifest.currentSchemaVersion)
    #expect(manifest.pytorchVersion == "2.13.0")
    let problems = try manifest.problems(root: Repository.goldenRoot)
    #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
  }

  static let items = (try? WriterGate.items(goldenRoot: Repository.goldenRoot)) ?? []

  @Test func theGateCoversTheCorpus() {
    #expect(Self.items.count >= 30, "\(Self.items.count) gate files")
  }

  @Test(arguments: items.map(\.name))
  func writerOutputMatchesItsGolden(_ name: String) throws {
    let item = try #require(Self.items.first { $0.name == name })
    let store = GoldenStore(
      root: Repository.goldenRoot, mode: .fromEnvironment(ProcessInfo.processInfo.environment),
      artifactRoot: Repository.root.appendingPathComponent("Reports/golden-actual"))
    let outcome = try store.check(
      WrittenFileDocument(bytes: item.bytes), suite: WriterGate.suite, name: name)
    #expect(outcome.isSuccess, "\(outcome.message)")
  }
}

/// Record modes, messages and the manifest, on a scratch golden folder.
@Suite struct GoldenStoreTests {
  struct Doc: Codable { var tensors: [String: String] }

  @Test func recordModesFollowSnapshotTesting() throws {
    #expect(RecordMode.fromEnvironment(["CI": "true"]) == .never)
    #expect(RecordMode.fromEnvironment([:]) == .missing)
    #expect(RecordMode.fromEnvironment(["CI": "true", "REPRO_RECORD": "1"]) == .all)
    #expect(RecordMode.fromEnvironment(["REPRO_RECORD": "failed"]) == .failed)
  }

  @Test func missingGoldenFailsInCIAndRecordingStillFails() throws {
    let root = try Repository.makeTemporaryFolder(prefix: "repro-golden")
    defer { try? FileManager.default.removeItem(at: root) }
    let doc = Doc(tensors: ["0.weight": "aa"])
    let ci = try GoldenStore(root: root, mode: .never).check(doc, suite: "s", name: "m")
    guard case .missing = ci else {
      Issue.record("expected missing, got \(ci)")
      return
    }
    #expect(!ci.isSuccess)
    #expect(ci.message.contains("CI=true"))
    let local = try GoldenStore(root: root, mode: .missing).check(doc, suite: "s", name: "m")
    guard case .recorded = local else {
      Issue.record("expected recorded, got \(local)")
      return
    }
    #expect(!local.isSuccess)
    #expect(try GoldenStore(root: root, mode: .never).check(doc, suite: "s", name: "m").isSuccess)
  }

  @Test func mismatchNamesTheTensorAndSavesTheActualDocument() throws {
    let root = try Repository.makeTemporaryFolder(prefix: "repro-golden")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = GoldenStore(
      root: root, mode: .never, artifactRoot: root.appendingPathComponent("actual"))
    _ = try GoldenStore(root: root, mode: .missing).check(
      Doc(tensors: ["0.weight": "aa", "0.bias": "bb"]), suite: "s", name: "m")
    let outcome = try store.check(
      Doc(tensors: ["0.weight": "aa", "0.bias": "cc"]), suite: "s", name: "m")
    guard case .mismatched(_, let diffs, let saved) = outcome else {
      Issue.record("\(outcome)")
      return
    }
    #expect(diffs == ["tensors/0.bias: golden \"bb\", actual \"cc\""])
    #expect(saved.map { FileManager.default.fileExists(atPath: $0.path) } == true)
    #expect(outcome.message.contains("s/m.json differs in 1 place"))
    #expect(outcome.message.contains("REPRO_RECORD=failed"))
    let updated = try GoldenStore(root: root, mode: .failed).check(
      Doc(tensors: ["0.weight": "aa", "0.bias": "cc"]), suite: "s", name: "m")
    guard case .recorded(_, let changed) = updated else {
      Issue.record("\(updated)")
      return
    }
    #expect(changed.count == 1)
  }

  @Test func corruptingOneGoldenBytePointsAtTheFile() throws {
    let root = try Repository.makeTemporaryFolder(prefix: "repro-golden")
    defer { try? FileManager.default.removeItem(at: root) }
    let source = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("pytorch"), withIntermediateDirectories: true)
    let copy = root.appendingPathComponent("pytorch/seq_mlp_fp32.pt")
    try FileManager.default.copyItem(at: source, to: copy)
    try GoldenManifest.scan(root: root, generator: "test").write(root: root)
    #expect(try GoldenManifest.load(root: root).problems(root: root).isEmpty)
    var bytes = try Data(contentsOf: copy)
    bytes[1700] ^= 0x01
    try bytes.write(to: copy)
    let problems = try GoldenManifest.load(root: root).problems(root: root)
    #expect(problems.count == 1)
    #expect(
      problems.first?.description.hasPrefix("Golden/pytorch/seq_mlp_fp32.pt: sha256 is") == true,
      "\(problems)")
  }
}
