import Foundation
import ReproTestSupport
import Testing

/// `repro inspect` and `repro convert` on sharded, DCP and TorchScript checkpoints, end to end
/// against the built binary and the outputs of real huggingface_hub / torch.
@Suite struct ContainerCommandTests {
  static func golden(_ path: String) -> String { Repository.golden("pytorch/\(path)").path }

  static func document(_ url: URL) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
  }

  /// Expects two folders to hold the same file names with the same bytes.
  static func expectSameFiles(_ ours: URL, _ theirs: URL) throws {
    let a = try FileManager.default.contentsOfDirectory(atPath: ours.path).sorted()
    let b = try FileManager.default.contentsOfDirectory(atPath: theirs.path).sorted()
    #expect(a == b)
    for name in b where a.contains(name) {
      #expect(
        try Data(contentsOf: ours.appendingPathComponent(name))
          == Data(contentsOf: theirs.appendingPathComponent(name)), "\(name) differs")
    }
  }

  @Test(arguments: [
    ("sharded/st", "sharded-safetensors"),
    ("sharded/bin/pytorch_model.bin.index.json", "sharded-torch"),
    ("dcp/sharded", "dcp"), ("torchscript/traced.pt", "torchscript"),
  ])
  func inspectJSONNamesTheFormat(_ path: String, _ format: String) throws {
    let r = try ReproBinary.run(["inspect", Self.golden(path), "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let ours = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(ours["format"] as? String == format)
    let expectedName =
      path.hasPrefix("sharded/")
      ? "sharded/\(path.split(separator: "/")[1]).expected.json"
      : path.hasPrefix("dcp/") ? "dcp/sharded.expected.json" : "torchscript/traced.expected.json"
    let want = try Self.document(Repository.golden("pytorch/\(expectedName)"))
    let a = ours["entries"] as? [[String: Any]] ?? []
    let b = want["entries"] as? [[String: Any]] ?? []
    #expect(!b.isEmpty)
    #expect(a.map { $0["path"] as? String } == b.map { $0["path"] as? String })
    #expect(a.map { $0["sha256"] as? String } == b.map { $0["sha256"] as? String })
  }

  @Test(arguments: [
    ("source.pt", "0.0002MB", [String](), "st"), ("source.pt", "5GB", [], "st_single"),
    ("source_tied.pt", "120", ["--to", "torch"], "bin"),
  ])
  func convertWithMaxShardSizeWritesWhatHuggingFaceHubWrites(
    _ source: String, _ size: String, _ extra: [String], _ expected: String
  ) throws {
    let tmp = try Repository.makeTemporaryFolder(prefix: "repro-containers")
    defer { try? FileManager.default.removeItem(at: tmp) }
    let out = tmp.appendingPathComponent("out")
    let r = try ReproBinary.run(
      ["convert", Self.golden("sharded/\(source)"), out.path, "--max-shard-size", size] + extra)
    #expect(r.status == 0, "\(r.stderr)")
    try Self.expectSameFiles(out, Repository.golden("pytorch/sharded/\(expected)"))
  }

  @Test func convertToShardedSafetensorsUsesFiveGigabyteShards() throws {
    let tmp = try Repository.makeTemporaryFolder(prefix: "repro-containers")
    defer { try? FileManager.default.removeItem(at: tmp) }
    let out = tmp.appendingPathComponent("out")
    let r = try ReproBinary.run([
      "convert", Self.golden("sharded/source.pt"), out.path, "--to", "sharded-safetensors",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    try Self.expectSameFiles(out, Repository.golden("pytorch/sharded/st_single"))
  }

  @Test func convertRejectsABadShardSize() throws {
    let r = try ReproBinary.run([
      "convert", Self.golden("sharded/source.pt"), "/tmp/never-written", "--max-shard-size", "5XB",
    ])
    #expect(r.status == 64)
    #expect(r.stderr.contains("invalid shard size '5XB'"), "\(r.stderr)")
  }

  @Test(arguments: [
    ("dcp/sharded", "sharded.torch_save.pt", "dcp/sharded.torch_save.pt"),
    ("torchscript/scripted.pt", "scripted.state_dict.pt", "torchscript/scripted.state_dict.pt"),
    ("torchscript/traced.pt", "traced.safetensors", "torchscript/traced.safetensors"),
    ("sharded/st", "merged.safetensors", "sharded/st_single/model.safetensors"),
  ])
  func convertWritesWhatTorchWrites(_ input: String, _ name: String, _ expected: String) throws {
    let tmp = try Repository.makeTemporaryFolder(prefix: "repro-containers")
    defer { try? FileManager.default.removeItem(at: tmp) }
    let out = tmp.appendingPathComponent(name)
    let r = try ReproBinary.run(["convert", Self.golden(input), out.path])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try Data(contentsOf: out) == Data(contentsOf: Repository.golden("pytorch/\(expected)")))
  }
}
