import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

@Suite struct TorchFileSaveTests {
  /// Loading a torch.save file and saving the tree again reproduces torch.save's bytes: the
  /// whole file when given torch's `.data/serialization_id`, and so `data.pkl` exactly.
  @Test(arguments: PickleGolden.zipFileNames)
  func resaveIsByteIdenticalToTorchSave(name: String) throws {
    let original = PickleGolden.bytes("files/\(name).pt")
    let loaded = try TorchFile.load(bytes: original, policy: .trusted)
    let records = PickleGolden.records(original)
    let folder = try #require(loaded.archiveName)
    let id = try #require(records.first { $0.name == "\(folder)/.data/serialization_id" }?.data)
    let pkl = try #require(records.first { $0.name == "\(folder)/data.pkl" }?.data)
    let ours = try Pickler.pickle(loaded.root).bytes
    #expect(ours == pkl, "data.pkl differs at byte \(firstDifference(ours, pkl))")
    let file = try TorchFile.serialize(
      loaded.root, archiveName: folder, serializationID: String(decoding: id, as: UTF8.self))
    #expect(
      file == original,
      "file differs at byte \(firstDifference(file, original)) (sizes \(file.count), \(original.count))"
    )
  }

  @Test func savedFileLoadsBackWithSharingAndParameters() throws {
    let base = Tensor((0..<6).map { Float($0) }, shape: [2, 3])
    let row = try base.select(dim: 0, index: 1)
    var p = Tensor([1, 2] as [Double])
    p.requiresGrad = true
    let tree = PickleValue.dict([
      PicklePair(.string("base"), .tensor(base)), PicklePair(.string("row"), .tensor(row)),
      PicklePair(.string("p"), .parameter(p)),
      PicklePair(.string("big"), .integer(twosComplement: [0, 0, 0, 0, 0, 0, 0, 0, 1])),
    ])
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-pickle-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("ckpt.pt")
    try TorchFile.save(tree, to: url)
    let back = try TorchFile.load(contentsOf: url)
    #expect(back.archiveName == "ckpt")
    #expect(back.weightsOnlyOK)
    let b = try #require(back.root["base"]?.tensor)
    let r = try #require(back.root["row"]?.tensor)
    #expect(b.storage === r.storage)
    #expect(r.storageOffset == 3 && r.toArray(of: Float.self) == [3, 4, 5])
    guard case .parameter(let q) = try #require(back.root["p"]).unshared else {
      Issue.record("p is not a parameter")
      return
    }
    #expect(q.requiresGrad && q.toArray(of: Double.self) == [1, 2])
    guard case .bigInt(let big) = try #require(back.root["big"]) else {
      Issue.record("big is not a big int")
      return
    }
    #expect(big.bytes == [0, 0, 0, 0, 0, 0, 0, 0, 1])
  }

  @Test func viewsOfOneStorageWithDifferentDTypesAreRefused() throws {
    let s = Storage(byteCount: 8)
    let a = try Tensor(storage: s, dtype: .float32, shape: [2], strides: [1])
    let b = try Tensor(storage: s, dtype: .int32, shape: [2], strides: [1])
    let err = #expect(throws: FormatError.self) {
      try Pickler.pickle(.list([.tensor(a), .tensor(b)]))
    }
    #expect(err?.code == .invalidArgument)
  }
}

func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
  zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
}
