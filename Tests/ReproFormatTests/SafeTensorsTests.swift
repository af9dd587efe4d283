import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// Reading and writing against files written by the real `safetensors.torch.save_file` 0.8.0.
@Suite struct SafeTensorsTests {
  @Test func corpusIsPresent() {
    #expect(SafeTensorsCorpus.names.count == 18)
  }

  @Test("reading gives the inventory safetensors recorded", arguments: SafeTensorsCorpus.names)
  func readMatchesInventory(name: String) throws {
    let bytes = try SafeTensorsCorpus.bytes(name)
    let storage = Storage(bytes: bytes)
    let file = try SafeTensorsFile.load(from: storage)
    let inventory = try SafeTensorsCorpus.inventory(name)
    #expect(inventory["file_size"] as? Int == bytes.count)
    let expectedMetadata = inventory["metadata"] as? [String: String] ?? [:]
    #expect(file.metadata == expectedMetadata)
    let entries = try #require(inventory["tensors"] as? [[String: Any]])
    try #require(file.tensors.count == entries.count)
    for (entry, (tensorName, tensor)) in zip(entries, file.tensors) {
      #expect(tensorName == entry["name"] as? String)
      #expect(tensor.dtype.rawValue == entry["dtype"] as? String, "\(tensorName)")
      #expect(tensor.dtype.safetensorsName == entry["safetensors_dtype"] as? String)
      #expect(tensor.shape == entry["shape"] as? [Int], "\(tensorName)")
      #expect(tensor.sha256Hex() == entry["sha256"] as? String, "\(tensorName)")
      #expect(tensor.isContiguous)
      // Files written by safetensors start their data 8-aligned: every tensor borrows its own
      // byte range of the file (offset 0, like safetensors' tensors in PyTorch), no copy.
      #expect(tensor.storage.isBorrowed, "\(tensorName) was copied instead of borrowed")
      #expect(tensor.storageOffset == 0)
      let offsets = try #require(entry["data_offsets"] as? [Int])
      let headerLength = try #require(inventory["header_length"] as? Int)
      if tensor.count > 0 {
        let fileBase = storage.withUnsafeBytes { $0.baseAddress }
        let tensorBase = tensor.storage.withUnsafeBytes { $0.baseAddress }
        #expect(tensorBase == fileBase.map { $0 + 8 + headerLength + offsets[0] })
      }
    }
  }

  @Test(
    "writing what was read gives the same bytes as safetensors", arguments: SafeTensorsCorpus.names)
  func writeIsByteIdentical(name: String) throws {
    let bytes = try SafeTensorsCorpus.bytes(name)
    let file = try SafeTensorsFile.load(from: Storage(bytes: bytes))
    #expect(try file.serialized() == bytes)
    // The writer orders tensors itself: any input order gives the same file.
    let reversed = SafeTensorsFile(tensors: file.tensors.reversed(), metadata: file.metadata)
    #expect(try reversed.serialized() == bytes)
  }

  @Test func writeThenLoadFromDiskRoundTrips() throws {
    let t = Tensor((0..<12).map { Float($0) / 4 }, shape: [3, 4])
    let file = SafeTensorsFile(
      tensors: [("w", t), ("b", Tensor([1, -2] as [Int64])), ("h", t.half())],
      metadata: ["format": "pt"])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-st-\(UInt32.random(in: 0...UInt32.max)).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try file.write(to: url)
    let back = try SafeTensorsFile.load(contentsOf: url)
    #expect(back.tensors.map(\.name) == ["b", "w", "h"])  // I64, F32, F16
    #expect(back["w"]?.bytesEqual(t) == true)
    #expect(back["h"]?.toArray(of: Float16.self) == t.half().toArray(of: Float16.self))
    #expect(back.metadata == ["format": "pt"])
  }

  @Test func misalignedTensorsAreCopied() throws {
    // A header of 61 bytes (no padding, as other writers may do): the data starts at 69, so the
    // float32 tensor cannot be a view of the file storage.
    let header = Array("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".utf8)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
    bytes += header
    [Float(1.5), -2].withUnsafeBytes { bytes += $0 }
    let storage = Storage(bytes: bytes)
    let x = try #require(try SafeTensorsFile.load(from: storage)["x"])
    #expect(x.storage !== storage)
    #expect(x.toArray(of: Float.self) == [1.5, -2])
  }

  @Test func nonContiguousTensorsAreWrittenContiguous() throws {
    let m = Tensor((0..<6).map { Int32($0) }, shape: [2, 3])
    let file = SafeTensorsFile(tensors: [("t", try m.transposed(0, 1))])
    let back = try SafeTensorsFile.load(from: Storage(bytes: try file.serialized()))
    #expect(back["t"]?.shape == [3, 2])
    #expect(back["t"]?.toArray(of: Int32.self) == [0, 3, 1, 4, 2, 5])
  }

  @Test func overlappingSharedTensorsAreRefused() throws {
    let m = Tensor((0..<6).map { Float($0) }, shape: [6])
    let shared = SafeTensorsFile(tensors: [("a", m), ("b", try m.slice(dim: 0, start: 2, end: 4))])
    #expect {
      _ = try shared.serialized()
    } throws: { error in
      (error as? FormatError)?.message
        == "safetensors: tensors `a` and `b` share memory, which safetensors refuses (it would duplicate the data on disk); save copies or drop one name"
    }
    // Disjoint views of one storage are accepted and written as separate copies.
    let disjoint = SafeTensorsFile(tensors: [
      ("lo", try m.slice(dim: 0, start: 0, end: 3)), ("hi", try m.slice(dim: 0, start: 3, end: 6)),
    ])
    let back = try SafeTensorsFile.load(from: Storage(bytes: try disjoint.serialized()))
    #expect(back["hi"]?.toArray(of: Float.self) == [3, 4, 5])
  }

  @Test func unwritableInputsAreRefused() throws {
    let z = Tensor(zeros: [2], dtype: .complex128)
    #expect(throws: FormatError.self) { _ = try SafeTensorsFile(tensors: [("z", z)]).serialized() }
    let a = Tensor([1] as [Float])
    #expect {
      _ = try SafeTensorsFile(tensors: [("a", a), ("a", a.double())]).serialized()
    } throws: { error in
      (error as? FormatError)?.message == "safetensors: duplicate tensor name `a`"
    }
  }
}
