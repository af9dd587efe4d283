import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproHarness

/// `GoldenFileCheck` on files saved by real PyTorch: the golden document is PyTorch's own
/// inventory (`Scripts/inventory.py` → `Golden/pytorch/interop/*.expected.json`), and a copy
/// with one value changed by torch (`Golden/pytorch/compare/seq_mlp_fp32_perturbed.pt`,
/// `0.weight[1, 0] += 0.5`) fails naming that key.
@Suite struct GoldenFileCheckTests {
  static let fp32 = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
  static let perturbed = Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt")

  static func withStore<T>(_ body: (URL) throws -> T) throws -> T {
    let root = try Repository.makeTemporaryFolder(prefix: "repro-golden-check")
    defer { try? FileManager.default.removeItem(at: root) }
    return try body(root)
  }

  @Test(arguments: [
    "seq_mlp_fp32", "mlp_adam_checkpoint", "seq_mlp_cuda_tagged", "seq_mlp_fp32_st",
  ])
  func documentIsPyTorchsInventory(_ name: String) throws {
    let expected = try TestJSON.object(
      from: Repository.golden("pytorch/interop/\(name).expected.json"))
    let entries = try #require(expected["entries"] as? [[String: Any]])
    let file = try #require(
      try FileManager.default.contentsOfDirectory(atPath: Repository.golden("pytorch/interop").path)
        .first { $0.hasPrefix(name + ".") && !$0.hasSuffix(".json") })
    let url = Repository.golden("pytorch/interop/" + file)
    let doc = GoldenFileCheck.Document(of: try Checkpoint.load(contentsOf: url), fileName: file)
    struct Head: Decodable {
      var path: String
      var head: [Double]?
    }
    struct Inventory: Decodable { var entries: [Head] }
    let decoded = try TestJSON.decode(
      Inventory.self, golden: "pytorch/interop/\(name).expected.json")
    let heads = Dictionary(
      decoded.entries.compactMap { e in e.head.map { (e.path, $0) } },
      uniquingKeysWith: { a, _ in a })
    #expect(doc.format == expected["format"] as? String)
    #expect(doc.weightsOnlyOK == expected["weights_only_ok"] as? Bool)
    #expect(doc.paths == entries.compactMap { $0["path"] as? String })
    for e in entries {
      let path = try #require(e["path"] as? String)
      let mine = try #require(doc.entries[path])
      #expect(mine.kind == e["kind"] as? String, "\(path)")
      guard mine.kind == "tensor" else {
        if let value = e["value"], !(value is NSNull), let text = mine.value,
          let parsed = try? JSONSerialization.jsonObject(
            with: Data(text.utf8), options: .fragmentsAllowed)
        {
          #expect("\(parsed)" == "\(value)", "\(path)")
        }
        continue
      }
      #expect(mine.dtype == e["dtype"] as? String, "\(path)")
      #expect(mine.shape == e["shape"] as? [Int], "\(path)")
      #expect(mine.stride == e["stride"] as? [Int], "\(path)")
      #expect(mine.storageOffset == e["storage_offset"] as? Int, "\(path)")
      #expect(mine.device == e["device"] as? String, "\(path)")
      #expect(mine.sha256 == e["sha256"] as? String, "\(path)")
      #expect(mine.parameter == e["parameter"] as? Bool, "\(path)")
      if let head = heads[path] {
        // Python's repr of each value (JSONDecoder reads torch's floats exactly).
        #expect(mine.values == head.map { Scalar.pythonRepr($0) }, "\(path)")
      }
    }
  }

  @Test func recordsAMissingGoldenFailingThenMatches() throws {
    try Self.withStore { root in
      let check = GoldenFileCheck(name: "seq mlp/fp32", file: Self.fp32)
      let store = GoldenStore(root: root, mode: .missing)
      let first = try check.verify(in: store)
      guard case .recorded(let golden, let diffs) = first.outcome else {
        Issue.record("expected a recording, got \(first.outcome)")
        return
      }
      #expect(golden.path == root.appendingPathComponent("files/seq_mlp_fp32.json").path)
      #expect(diffs.isEmpty && !first.isSuccess)
      #expect(
        first.message
          == "seq_mlp_fp32.pt: recorded \(root.lastPathComponent)/files/seq_mlp_fp32.json; re-run to compare"
      )
      #expect(try check.verify(in: store).isSuccess)
    }
  }

  @Test func aChangedValueNamesTheFileAndTheKey() throws {
    try Self.withStore { root in
      let expected = try TestJSON.object(
        from: Repository.golden("pytorch/interop/seq_mlp_fp32.expected.json"))
      let entries = try #require(expected["entries"] as? [[String: Any]])
      let oldSHA = try #require(
        entries.first { $0["path"] as? String == "0.weight" }?["sha256"] as? String)
      _ = try GoldenFileCheck(name: "model", file: Self.fp32).verify(
        in: GoldenStore(root: root, mode: .missing))
      // The perturbed copy, checked against the golden recorded from the original.
      let check = GoldenFileCheck(name: "model", file: Self.perturbed)
      let verdict = try check.verify(in: GoldenStore(root: root, mode: .never))
      guard case .mismatched = verdict.outcome else {
        Issue.record("expected a mismatch, got \(verdict.outcome)")
        return
      }
      #expect(verdict.changes.count == 1)
      let change = try #require(verdict.changes.first)
      #expect(change.hasPrefix("'0.weight' changed: sha256 \(oldSHA.prefix(16))… → "))
      // torch's values at flat index 2 before and after (Golden/pytorch/compare/fp32_vs_perturbed.json).
      struct Row: Decodable {
        var worstReference: Double
        var worstCandidate: Double
        enum CodingKeys: String, CodingKey {
          case worstReference = "worst_reference"
          case worstCandidate = "worst_candidate"
        }
      }
      struct Figures: Decodable { var keys: [String: Row] }
      let figures = try TestJSON.decode(
        Figures.self, golden: "pytorch/compare/fp32_vs_perturbed.json")
      let row = try #require(figures.keys["0.weight"])
      let before = row.worstReference
      let after = row.worstCandidate
      #expect(change.contains("first values ["))
      #expect(
        change.contains(Scalar.pythonRepr(before)) && change.contains(Scalar.pythonRepr(after)))
      #expect(
        verdict.message.hasPrefix(
          "seq_mlp_fp32_perturbed.pt no longer matches its golden \(root.lastPathComponent)/files/model.json: 1 change\n  '0.weight' changed"
        ))
      #expect(verdict.message.contains("re-record with REPRO_RECORD=failed"))
      #expect(verdict.headline.hasPrefix("seq_mlp_fp32_perturbed.pt: '0.weight' changed: sha256"))

      // As a suite case: a failure whose message names the key.
      let context = SuiteContext(
        golden: GoldenStore(root: root, mode: .never), scratch: root, threads: 1)
      let result = check.cases()[0].run(in: context)
      #expect(result.id == "golden/model" && result.status == .fail)
      #expect(result.failure?.type == "GoldenMismatch")
      #expect(result.failure?.message.contains("'0.weight' changed") == true)

      // REPRO_RECORD=failed re-records (and fails); then the new file matches.
      let rerecorded = try check.verify(in: GoldenStore(root: root, mode: .failed))
      guard case .recorded = rerecorded.outcome else {
        Issue.record("expected a re-recording, got \(rerecorded.outcome)")
        return
      }
      #expect(rerecorded.changes == verdict.changes)
      #expect(try check.verify(in: GoldenStore(root: root, mode: .never)).isSuccess)
    }
  }

  @Test func aMissingGoldenUnderCIFailsWithoutRecording() throws {
    try Self.withStore { root in
      let mode = RecordMode.fromEnvironment(["CI": "true"])
      let check = GoldenFileCheck(file: Self.fp32)
      let verdict = try check.verify(in: GoldenStore(root: root, mode: mode))
      guard case .missing = verdict.outcome else {
        Issue.record("expected missing, got \(verdict.outcome)")
        return
      }
      #expect(verdict.message.contains("does not record (CI=true)"))
      #expect(!FileManager.default.fileExists(atPath: verdict.golden.path))
    }
  }

  @Test func unreadableFileIsAnErrorCase() throws {
    try Self.withStore { root in
      let check = GoldenFileCheck(file: Repository.golden("malformed/zip_bad_crc_data.pt"))
      let context = SuiteContext(
        golden: GoldenStore(root: root, mode: .missing), scratch: root, threads: 1)
      let result = check.cases()[0].run(in: context)
      #expect(result.status == .error)
      #expect(result.failure?.message.contains("badCRC") == true)
    }
  }
}
