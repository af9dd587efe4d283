import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// The float8, uint16/32/64 and complex32 dtypes in files: what torch 2.13 and safetensors 0.8
/// say about each dtype (Golden/pytorch/dtypes/dtypes.json, Scripts/make_float8_vectors.py), and
/// the files Scripts/make_interop_corpus.py wrote with them (`float8_unsigned*`).
@Suite struct DTypeCorpusTests {
  static let interop = Repository.golden("pytorch/interop")
  static let dtypesFolder = Repository.golden("pytorch/dtypes")

  static func facts() throws -> [String: [String: Any]] {
    let data = try Data(contentsOf: dtypesFolder.appendingPathComponent("dtypes.json"))
    let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(doc["torch"] as? String == "2.13.0+cpu")
    return try #require(doc["dtypes"] as? [String: [String: Any]])
  }

  @Test("every DType has torch's name, size, kind and pickle layout", arguments: DType.allCases)
  func dtypeMatchesTorch(dtype: DType) throws {
    let all = try Self.facts()
    #expect(all.count == DType.allCases.count)
    let f = try #require(all[dtype.pytorchName], "torch has no dtype \(dtype.pytorchName)")
    #expect(f["str"] as? String == dtype.description)
    #expect(f["itemsize"] as? Int == dtype.elementSize)
    #expect(f["is_floating_point"] as? Bool == dtype.isFloatingPoint)
    #expect(f["is_complex"] as? Bool == dtype.isComplex)
    #expect(DType(pytorchName: dtype.description) == dtype)
    let untyped = dtype.usesUntypedStorage
    #expect(
      f["rebuild"] as? String
        == (untyped ? "torch._utils._rebuild_tensor_v3" : "torch._utils._rebuild_tensor_v2"))
    #expect(
      f["storage_class"] as? String
        == (untyped ? "torch.storage.UntypedStorage" : "torch.\(dtype.storageClassName)"))
    #expect(
      f["storage_numel_for_3_elements"] as? Int == (untyped ? 3 * dtype.elementSize : 3))
    #expect((f["dtype_global"] as? String) == (untyped ? dtype.description : nil))
    if !untyped { #expect(DType(storageClassName: dtype.storageClassName) == dtype) }
    // safetensors: the name it writes, or a refusal when it has none.
    let tensor = Tensor(zeros: [2], dtype: dtype)
    if let name = f["safetensors"] as? String {
      #expect(dtype.safetensorsName == name)
      #expect(SafeTensorsFile.dtype(safetensorsName: name) == dtype)
      #expect(throws: Never.self) { try SafeTensorsFile(tensors: [("t", tensor)]).serialized() }
    } else {
      #expect(throws: FormatError.self) {
        try SafeTensorsFile(tensors: [("t", tensor)]).serialized()
      }
    }
  }

  @Test func safetensorsRefusesComplex32AsSafetensorsDoes() throws {
    let t = Tensor(zeros: [2], dtype: .complex32)
    do {
      _ = try SafeTensorsFile(tensors: [("z", t)]).serialized()
      Issue.record("complex32 was written")
    } catch {
      #expect(error.code == .unsupported)
      #expect(
        error.message
          == "safetensors: tensor `z` is complex32, which safetensors cannot store (save_file raises KeyError: torch.complex32)"
      )
    }
  }

  @Test func torchFileResaveIsByteIdenticalToTorchSave() throws {
    let original = [UInt8](
      try Data(contentsOf: Self.interop.appendingPathComponent("float8_unsigned.pt")))
    let loaded = try TorchFile.load(bytes: original, policy: .weightsOnly)
    let folder = try #require(loaded.archiveName)
    let records = PickleGolden.records(original)
    let id = try #require(records.first { $0.name == "\(folder)/.data/serialization_id" }?.data)
    let pkl = try #require(records.first { $0.name == "\(folder)/data.pkl" }?.data)
    let ours = try Pickler.pickle(loaded.root).bytes
    #expect(ours == pkl, "data.pkl differs at byte \(firstDifference(ours, pkl))")
    let file = try TorchFile.serialize(
      loaded.root, archiveName: folder, serializationID: String(decoding: id, as: UTF8.self))
    #expect(file == original, "file differs at byte \(firstDifference(file, original))")
    // Without the recorded id, the id Repro computes is torch's too.
    #expect(try TorchFile.serialize(loaded.root, archiveName: folder) == original)
  }

  @Test func safetensorsResaveIsByteIdenticalToSaveFile() throws {
    let bytes = [UInt8](
      try Data(contentsOf: Self.interop.appendingPathComponent("float8_unsigned_st.safetensors")))
    let file = try SafeTensorsFile.load(from: Storage(bytes: bytes))
    #expect(Set(file.tensors.map(\.tensor.dtype)).count == 9)
    #expect(try file.serialized() == bytes)
    let reversed = SafeTensorsFile(tensors: file.tensors.reversed(), metadata: file.metadata)
    #expect(try reversed.serialized() == bytes)
  }

  /// torch 2.13 writes the legacy format for these dtypes but its own loader fails on the file
  /// (recorded in float8_unsigned_legacy.torch_load.json); the bytes are all there, and Repro
  /// reads the same tensors as from the zip file.
  @Test func legacyFileTorchCannotLoadReadsLikeTheZipFile() throws {
    let verdict = try #require(
      try JSONSerialization.jsonObject(
        with: Data(
          contentsOf: Self.dtypesFolder.appendingPathComponent(
            "float8_unsigned_legacy.torch_load.json"))) as? [String: Any])
    let torchLoad = try #require(verdict["torch_load"] as? [String: String])
    #expect(torchLoad["weights_only=True"]?.hasPrefix("AttributeError") == true)
    let legacy = try Checkpoint.load(
      contentsOf: Self.dtypesFolder.appendingPathComponent("float8_unsigned_legacy.pt"))
    let zipped = try Checkpoint.load(
      contentsOf: Self.interop.appendingPathComponent("float8_unsigned.pt"))
    #expect(legacy.format == .torchLegacy)
    let a = Inventory(of: legacy).entries
    let b = Inventory(of: zipped).entries
    #expect(a.map(\.path) == b.map(\.path))
    #expect(a.count == 15)
    for (x, y) in zip(a, b) {
      let s = try #require(x.tensor)
      let t = try #require(y.tensor)
      let path: String = x.path
      #expect(s.dtype == t.dtype, "\(path)")
      #expect(s.shape == t.shape, "\(path)")
      #expect(s.strides == t.strides, "\(path)")
      #expect(s.storageOffset == t.storageOffset, "\(path)")
      #expect(x.isParameter == y.isParameter, "\(path)")
      #expect(s.contiguousBytes() == t.contiguousBytes(), "\(path)")
    }
  }

  @Test func viewsOfOneStorageAsFloat8AndUInt8AreOneUntypedStorage() throws {
    // torch counts an untyped storage as uint8: a float8 view and a uint8 view of the same
    // bytes save (the corpus file has one), a float8 and an int8 view do not.
    let bytes = Tensor([1, 2, 3, 4] as [UInt8])
    let f8 = try Tensor(storage: bytes.storage, dtype: .float8E4M3FN, shape: [4], strides: [1])
    let i8 = try Tensor(storage: bytes.storage, dtype: .int8, shape: [4], strides: [1])
    let ok = PickleValue.dict([
      PicklePair(.string("a"), .tensor(f8)), PicklePair(.string("b"), .tensor(bytes)),
    ])
    #expect(throws: Never.self) { try Pickler.pickle(ok) }
    let bad = PickleValue.dict([
      PicklePair(.string("a"), .tensor(f8)), PicklePair(.string("b"), .tensor(i8)),
    ])
    #expect(throws: FormatError.self) { try Pickler.pickle(bad) }
  }
}
