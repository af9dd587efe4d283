import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

@Suite struct TorchFileLoadTests {
  /// Every golden file loads to the tensors torch.load returns: dtype, shape, stride, offset,
  /// storage sharing, requires_grad, Parameter-ness, device and the sha256 of the values.
  @Test(arguments: PickleGolden.fileNames.filter { $0 != "whole_module" })
  func loadMatchesTorchLoad(name: String) throws {
    let expected = try #require(PickleGolden.files[name] as? [String: Any])
    let loaded = try TorchFile.load(
      contentsOf: PickleGolden.url("files/\(name).pt"), policy: .trusted)
    #expect(loaded.format.inventoryName == expected["format"] as? String)
    #expect(
      loaded.weightsOnlyOK == expected["weights_only_ok"] as? Bool,
      "\(loaded.weightsOnlyRefusal ?? "")")
    var leaves: [TensorLeaf] = []
    tensorLeaves(loaded.root, into: &leaves)
    let exp = try #require(expected["tensors"] as? [[String: Any]])
    try #require(leaves.count == exp.count)
    var storageIndex: [ObjectIdentifier: Int] = [:]
    for (leaf, e) in zip(leaves, exp) {
      let t = leaf.tensor
      let sid = ObjectIdentifier(t.storage)
      if t.storage.byteCount > 0, storageIndex[sid] == nil {
        storageIndex[sid] = storageIndex.count
      }
      #expect(leaf.path == e["path"] as? [String])
      #expect(t.dtype.pytorchName == e["dtype"] as? String)
      #expect(t.shape == e["shape"] as? [Int])
      #expect(t.strides == e["stride"] as? [Int])
      #expect(t.storageOffset == e["offset"] as? Int)
      #expect(t.requiresGrad == e["requires_grad"] as? Bool, "\(leaf.path)")
      #expect(leaf.isParameter == e["parameter"] as? Bool, "\(leaf.path)")
      #expect(t.device.description == e["device"] as? String)
      #expect(t.sha256Hex() == e["sha256"] as? String, "\(leaf.path)")
    }
    // Storage sharing: the same index in torch means the same Storage object here.
    let nonEmpty = zip(leaves, exp).filter { $0.0.tensor.storage.byteCount > 0 }
    for (a, ea) in nonEmpty {
      for (b, eb) in nonEmpty {
        #expect(
          (a.tensor.storage === b.tensor.storage)
            == ((ea["storage"] as? Int) == (eb["storage"] as? Int)))
      }
    }
  }

  @Test(
    arguments: PickleGolden.fileNames.filter {
      !(PickleGolden.files[$0] as? [String: Any] ?? [:])["weights_only_ok"].map {
        $0 as? Bool ?? true
      }!
    })
  func weightsOnlyLoadRefusesWhatTorchRefuses(name: String) {
    #expect(throws: FormatError.self) {
      try TorchFile.load(contentsOf: PickleGolden.url("files/\(name).pt"))
    }
  }

  @Test func wholeModuleLoadsAsOpaqueObjectTree() throws {
    let loaded = try TorchFile.load(
      contentsOf: PickleGolden.url("files/whole_module.pt"), policy: .trusted)
    #expect(!loaded.weightsOnlyOK)
    #expect(loaded.weightsOnlyRefusal?.contains("torch.nn.modules.container.Sequential") == true)
    guard case .object(let seq) = loaded.root.unshared else {
      Issue.record("root is \(loaded.root.typeName)")
      return
    }
    #expect(seq.qualifiedName == "torch.nn.modules.container.Sequential")
    let modules = try #require(seq.state?["_modules"])
    guard case .object(let lin) = try #require(modules["0"]).unshared else {
      Issue.record("child 0 is not an object")
      return
    }
    #expect(lin.name == "Linear")
    #expect(lin.state?["in_features"]?.int64 == 2)
    let w = try #require(lin.state?["_parameters"]?["weight"])
    guard case .parameter(let t) = w.unshared else {
      Issue.record("weight is \(w.typeName)")
      return
    }
    #expect(t.shape == [2, 2])
    #expect(t.requiresGrad)
    let exp = try #require(
      (PickleGolden.files["whole_module"] as? [String: Any])?["tensors"] as? [[String: Any]])
    #expect(t.sha256Hex() == exp.first?["sha256"] as? String)
  }

  @Test func memoryMappedLoadBorrowsTheFile() throws {
    let loaded = try TorchFile.load(
      contentsOf: PickleGolden.url("files/views.pt"), memoryMapped: true)
    let base = try #require(loaded.root["base"]?.tensor)
    let row = try #require(loaded.root["row"]?.tensor)
    #expect(base.storage.isBorrowed)
    #expect(base.storage === row.storage)
    #expect(row.toArray(of: Float.self) == [4, 5, 6, 7])
  }

  @Test func mapLocationRetagsStorages() throws {
    let url = PickleGolden.url("files/mlp_fp32.pt")
    let plain = try TorchFile.load(contentsOf: url)
    #expect(plain.tensors.allSatisfy { $0.device == .cpu })
    try plain.requireComputable()
    let moved = try TorchFile.load(contentsOf: url, mapLocation: .mapping(["cpu": "cuda:1"]))
    #expect(moved.tensors.allSatisfy { $0.device == .cuda(1) })
    let err = #expect(throws: FormatError.self) { try moved.requireComputable() }
    #expect(err?.code == .needsMapLocation)
    #expect(err?.message.contains("mapLocation: .device(.cpu)") == true)
    let back = try TorchFile.load(contentsOf: url, mapLocation: .closure { _ in .cuda(0) })
    #expect(back.tensors.allSatisfy { $0.device == .cuda(0) })
    let viaDevice = try TorchFile.load(contentsOf: url, mapLocation: .device(.meta))
    #expect(viaDevice.tensors.allSatisfy { $0.device == .meta })
  }

  @Test func archiveNameFollowsTorchSave() throws {
    #expect(try TorchFile.archiveName(forPath: "x/seq_mlp_fp32.pt") == "seq_mlp_fp32")
    #expect(try TorchFile.archiveName(forPath: "a.b.pt") == "a.b")
    #expect(try TorchFile.archiveName(forPath: "model.pth.tar") == "model.pth")
    #expect(try TorchFile.archiveName(forPath: "ckpt") == "ckpt")
    #expect(try TorchFile.archiveName(forPath: "héllo.pt") == "archive")
    #expect(throws: FormatError.self) { try TorchFile.archiveName(forPath: "names/.hidden") }
  }
}
