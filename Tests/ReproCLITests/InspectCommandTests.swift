import Foundation
import ReproTestSupport
import Testing

/// `repro inspect` end to end against the built binary and PyTorch's own inventories
/// (Golden/pytorch/interop/*.expected.json, from Scripts/make_interop_corpus.py).
@Suite struct InspectCommandTests {
  static func corpus(_ name: String) -> String {
    Repository.golden("pytorch/interop/\(name)").path
  }

  @Test func inspectJSONEqualsThePyTorchInventory() throws {
    let r = try ReproBinary.run(["inspect", Self.corpus("mlp_adam_checkpoint.pt"), "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let ours = try #require(try TestJSON.pythonJSON(Data(r.stdout.utf8)) as? [String: Any])
    let want = try #require(
      try TestJSON.pythonJSON(
        Data(contentsOf: URL(fileURLWithPath: Self.corpus("mlp_adam_checkpoint.expected.json"))))
        as? [String: Any])
    #expect(ours["format"] as? String == "zip")
    #expect(ours["weights_only_ok"] as? Bool == true)
    let a = ours["entries"] as? [[String: Any]] ?? []
    let b = want["entries"] as? [[String: Any]] ?? []
    #expect(!a.isEmpty)
    #expect(a.map { $0["path"] as? String } == b.map { $0["path"] as? String })
    #expect(a.map { $0["sha256"] as? String } == b.map { $0["sha256"] as? String })
  }

  @Test func tableListsEveryTensorWithItsHashPrefix() throws {
    let file = Self.corpus("dataparallel_prefix.pt")
    let r = try ReproBinary.run(["inspect", file])
    #expect(r.status == 0, "\(r.stderr)")
    let want = try TestJSON.object(
      from: URL(fileURLWithPath: Self.corpus("dataparallel_prefix.expected.json")))
    let entries = try #require(want["entries"] as? [[String: Any]])
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "\(file): zip, \(entries.count) tensors (36 B), 0 other values")
    #expect(lines.dropFirst().first == "weights_only: accepted by torch.load(weights_only=True)")
    for e in entries {
      let path = try #require(e["path"] as? String)
      let sha = try #require(e["sha256"] as? String)
      #expect(
        lines.contains { $0.hasPrefix(path + " ") && $0.hasSuffix(String(sha.prefix(16))) },
        "\(path) \(sha.prefix(16)) not in\n\(r.stdout)")
    }
  }

  @Test func badInputExitsWith2AndSaysWhy() throws {
    let path = Repository.golden("malformed/zip_bad_crc_data.pt").path
    let r = try ReproBinary.run(["inspect", path])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("repro: \(path): badCRC: record 'malformed/data/0'"), "\(r.stderr)")
    let missing = try ReproBinary.run(["inspect", "/nonexistent/model.pt"])
    #expect(missing.status == 2)
    #expect(missing.stderr.hasPrefix("repro: /nonexistent/model.pt: "), "\(missing.stderr)")
  }

  @Test func badMapLocationIsAUsageError() throws {
    let r = try ReproBinary.run([
      "inspect", Self.corpus("seq_mlp_fp32.pt"), "--map-location", "gpu:0",
    ])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--map-location"), "\(r.stderr)")
  }

  @Test func inspectSuggestsTrustOnlyForTorchNNGlobals() throws {
    let module = try ReproBinary.run([
      "inspect", Repository.golden("malformed/global_nn_linear_module.pt").path,
    ])
    #expect(module.status == 2)
    #expect(module.stderr.contains("pass --trust"), "\(module.stderr)")
    let system = try ReproBinary.run([
      "inspect", Repository.golden("malformed/global_os_system.pt").path,
    ])
    #expect(system.status == 2)
    #expect(system.stderr.contains("global 'os.system'"), "\(system.stderr)")
    #expect(!system.stderr.contains("--trust"), "\(system.stderr)")
  }
}
