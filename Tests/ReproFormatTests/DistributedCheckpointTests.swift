import Foundation
import ReproTestSupport
import Testing

@testable import ReproFormat

/// `torch.distributed.checkpoint` folders saved by 2 real gloo processes with DTensor shards
/// (`Scripts/make_dcp_goldens.py`, Golden/pytorch/dcp/).
@Suite struct DistributedCheckpointTests {
  static let folder = ContainerCorpus.golden("dcp/sharded")
  /// The DTensor folder and the FSDP2 + Adam folder (optimizer state, param_groups lists).
  static let names = ["sharded", "fsdp"]

  @Test(arguments: names)
  func inventoryMatchesDcpToTorchSave(_ name: String) throws {
    let checkpoint = try Checkpoint.load(contentsOf: ContainerCorpus.golden("dcp/\(name)"))
    try ContainerCorpus.expectInventory(
      of: checkpoint, equals: ContainerCorpus.golden("dcp/\(name).expected.json"))
  }

  /// The metadata reader sees what torch unpickles (`sharded.metadata.json`).
  @Test(arguments: names)
  func metadataMatchesTorch(_ name: String) throws {
    let folder = ContainerCorpus.golden("dcp/\(name)")
    let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(".metadata")))
    let meta = try DCPMetadata.parse(bytes, context: ".metadata")
    let want = try ContainerCorpus.document(ContainerCorpus.golden("dcp/\(name).metadata.json"))
    let items = want["state_dict_metadata"] as? [[Any]] ?? []
    #expect(meta.items.map(\.fqn) == items.map { $0[0] as? String ?? "" })
    var chunkCount = 0
    for (ours, theirs) in zip(meta.items, items) {
      let d = theirs[1] as? [String: Any] ?? [:]
      switch ours.item {
      case .bytes:
        #expect((d["__class__"] as? String)?.hasSuffix("BytesStorageMetadata") == true)
      case .tensor(let dtype, let size, let chunks):
        let props = d["properties"] as? [String: Any] ?? [:]
        #expect("torch.\(dtype.pytorchName)" == props["dtype"] as? String)
        #expect(size == (d["size"] as? [Int]))
        let c = d["chunks"] as? [[String: Any]] ?? []
        #expect(chunks.map(\.offsets) == c.map { $0["offsets"] as? [Int] ?? [] })
        #expect(chunks.map(\.sizes) == c.map { $0["sizes"] as? [Int] ?? [] })
        chunkCount += chunks.count
      }
    }
    if name == "sharded" {
      #expect(chunkCount == 8, "fc.weight, fc.bias and emb split in 2, scale and steps whole")
    }
    let planner = want["planner_data"] as? [[Any]] ?? []
    #expect(meta.plannerData.count == planner.count)
    let storage = want["storage_data"] as? [[Any]] ?? []
    #expect(meta.storage.count == storage.count)
    for pair in storage {
      let key = pair[0] as? [String: Any] ?? [:]
      let info = pair[1] as? [String: Any] ?? [:]
      let k = DCPMetadata.StorageKey(
        fqn: key["fqn"] as? String ?? "", offsets: key["offset"] as? [Int])
      #expect(
        meta.storage[k]
          == DCPMetadata.Location(
            relativePath: info["relative_path"] as? String ?? "",
            offset: info["offset"] as? Int ?? -1, length: info["length"] as? Int ?? -1))
    }
  }

  /// `dcp_to_torch_save`'s file, byte for byte when saved under the same name.
  @Test(arguments: names)
  func savedFileIsWhatDcpToTorchSaveWrites(_ name: String) throws {
    let checkpoint = try Checkpoint.load(contentsOf: ContainerCorpus.golden("dcp/\(name)"))
    let tmp = try ContainerCorpus.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let out = tmp.appendingPathComponent("\(name).torch_save.pt")
    try TorchFile.save(checkpoint.root, to: out)
    let theirs = try Checkpoint.load(
      contentsOf: ContainerCorpus.golden("dcp/\(name).torch_save.pt"))
    let a = Inventory(of: try Checkpoint.load(contentsOf: out)).jsonText()
    #expect(a == Inventory(of: theirs).jsonText())
    #expect(
      try Data(contentsOf: out)
        == Data(contentsOf: ContainerCorpus.golden("dcp/\(name).torch_save.pt")))
  }

  @Test func overlappingChunksAreFound() {
    let a = DCPMetadata.Chunk(offsets: [0, 0], sizes: [3, 3])
    #expect(DistributedCheckpoint.overlap(a, DCPMetadata.Chunk(offsets: [2, 2], sizes: [2, 2])))
    #expect(!DistributedCheckpoint.overlap(a, DCPMetadata.Chunk(offsets: [3, 0], sizes: [2, 3])))
    #expect(!DistributedCheckpoint.overlap(a, DCPMetadata.Chunk(offsets: [0, 3], sizes: [3, 3])))
  }
}
