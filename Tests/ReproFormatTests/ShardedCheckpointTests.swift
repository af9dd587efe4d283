import Foundation
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Hugging Face sharded checkpoints made by real huggingface_hub
/// (`Scripts/make_sharded_goldens.py`, Golden/pytorch/sharded/).
@Suite struct ShardedCheckpointTests {
  static var params: [String: Any] {
    (try? ContainerCorpus.document(ContainerCorpus.golden("sharded/params.json"))) ?? [:]
  }

  @Test(arguments: ["st", "bin"])
  func folderInventoryMatchesPyTorch(_ name: String) throws {
    let folder = ContainerCorpus.golden("sharded/\(name)")
    let checkpoint = try Checkpoint.load(contentsOf: folder)
    try ContainerCorpus.expectInventory(
      of: checkpoint, equals: ContainerCorpus.golden("sharded/\(name).expected.json"))
  }

  @Test(arguments: [
    "st/model.safetensors.index.json", "bin/pytorch_model.bin.index.json",
  ])
  func indexFileLoadsLikeItsFolder(_ path: String) throws {
    let index = try Checkpoint.load(contentsOf: ContainerCorpus.golden("sharded/\(path)"))
    let name = String(path.prefix { $0 != "/" })
    try ContainerCorpus.expectInventory(
      of: index, equals: ContainerCorpus.golden("sharded/\(name).expected.json"))
  }

  @Test(arguments: ["st", "bin"])
  func memoryMappedLoadBorrowsTheShards(_ name: String) throws {
    let folder = ContainerCorpus.golden("sharded/\(name)")
    let mapped = try Checkpoint.load(contentsOf: folder, memoryMapped: true)
    let plain = try Checkpoint.load(contentsOf: folder)
    let a = try mapped.flatTensors().map(\.tensor)
    let b = try plain.flatTensors().map(\.tensor)
    #expect(a.count == b.count && a.count >= 10)
    #expect(a.allSatisfy { $0.storage.isBorrowed && $0.storage.isReadOnly })
    #expect(zip(a, b).allSatisfy { $0.bytesEqual($1) })
  }

  @Test func tiedWeightsStayOneStorage() throws {
    let checkpoint = try Checkpoint.load(contentsOf: ContainerCorpus.golden("sharded/bin"))
    let tensors = Dictionary(uniqueKeysWithValues: try checkpoint.flatTensors())
    let embed = try #require(tensors["embed.weight"])
    let head = try #require(tensors["lm_head.weight"])
    #expect(embed.storage === head.storage)
  }

  @Test(arguments: ["st", "st_single", "bin"])
  func saveWritesWhatHuggingFaceHubWrites(_ name: String) throws {
    let p = try #require(Self.params[name] as? [String: Any])
    let source = try Checkpoint.load(
      contentsOf: ContainerCorpus.golden("sharded/\(p["source"] as? String ?? "")"))
    let out = try ContainerCorpus.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let size = try ShardedCheckpoint.parseSize(p["max_shard_size"] as? String ?? "")
    let plan = try ShardedCheckpoint.save(
      source.stateDictPairs(), to: out, maxShardSize: size,
      safeSerialization: p["safe_serialization"] as? Bool ?? true)
    #expect(plan.isSharded == (name != "st_single"))
    try ContainerCorpus.expectSameFiles(out, ContainerCorpus.golden("sharded/\(name)"))
  }

  @Test func saveRemovesAnEarlierSaveFirst() throws {
    let out = try ContainerCorpus.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    for name in ["model-00001-of-00009.safetensors", "model.safetensors.index.json", "keep.txt"] {
      try Data([1]).write(to: out.appendingPathComponent(name))
    }
    let source = try Checkpoint.load(contentsOf: ContainerCorpus.golden("sharded/source.pt"))
    try ShardedCheckpoint.save(source.stateDictPairs(), to: out, maxShardSize: 200)
    let names = try FileManager.default.contentsOfDirectory(atPath: out.path)
    #expect(names.contains("keep.txt"))
    #expect(!names.contains("model-00001-of-00009.safetensors"))
    #expect(names.count == 7)
  }

  @Test func parseSizeMatchesHuggingFaceHub() throws {
    let cases = try #require(Self.params["parse_size_to_int"] as? [String: Any])
    #expect(cases.count >= 5)
    for (text, value) in cases {
      #expect(try ShardedCheckpoint.parseSize(text) == (value as? NSNumber)?.intValue, "\(text)")
    }
    for bad in ["5XB", "GB", "-1GB", "five GB", ""] {
      #expect(throws: FormatError.self, "\(bad)") { try ShardedCheckpoint.parseSize(bad) }
    }
  }

  @Test(arguments: [
    ("{\"weight_map\": {\"a\": \"../x.safetensors\"}}", "not a file name in the index's folder"),
    ("{\"weight_map\": {\"a\": \"/etc/x.safetensors\"}}", "not a file name in the index's folder"),
    ("{\"weight_map\": {\"a\": \"x.bin\", \"a\": \"y.bin\"}}", "key 'a' is listed twice"),
    ("{\"weight_map\": {\"a\": 3}}", "weight_map['a'] is an integer, not a shard file name"),
    ("{\"metadata\": {}}", "expected a JSON object with a 'weight_map' object"),
    ("{\"weight_map\": {\"a\": \"x.bin\",}}", "invalid JSON"),
  ])
  func badIndexesAreRefused(_ json: String, _ message: String) {
    let error = #expect(throws: FormatError.self) {
      _ = try ShardIndex.parse(Array(json.utf8), name: "i.index.json")
    }
    #expect(error?.code == .corrupt)
    #expect(error?.message.hasPrefix("i.index.json: ") == true)
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
  }

  @Test func indexJSONIsWhatJSONDumpWrites() throws {
    for name in ["st/model.safetensors.index.json", "bin/pytorch_model.bin.index.json"] {
      let url = ContainerCorpus.golden("sharded/\(name)")
      let bytes = try [UInt8](Data(contentsOf: url))
      let index = try ShardIndex.parse(bytes, name: name)
      #expect(index.weightMap.count >= 10)
      #expect(Array(index.jsonText().utf8) == bytes, "\(name)")
    }
  }
}
