import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// The checkpoints people actually have (Golden/pytorch/realworld).
///
/// Made by Scripts/make_real_world_corpus.py with real torch, numpy and omegaconf: Python-2
/// OrderedDict pairs, reference cycles, parent-pointing object graphs, numpy values and tied
/// weights. Their inventories are checked by `InteropCorpusTests`; here: writing them back,
/// cycles and numpy.
@Suite struct RealWorldCorpusTests {
  static let folder = Repository.golden("pytorch/realworld")
  static let names = [
    "py2_ordereddict_zip", "py2_ordereddict_legacy", "cycle_self_dict", "cycle_list",
    "lightning_omegaconf", "lightning_parent_pointers", "numpy_values", "numpy_values_numpy1",
    "tied_gpt2",
  ]

  static func expected(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: folder.appendingPathComponent("\(name).expected.json"))
    return try #require(try TestJSON.pythonJSON(data) as? [String: Any])
  }

  static func load(_ name: String) throws -> Checkpoint {
    let weightsOnly = try expected(name)["weights_only_ok"] as? Bool ?? false
    return try Checkpoint.load(
      contentsOf: folder.appendingPathComponent("\(name).pt"),
      policy: weightsOnly ? .weightsOnly : .trusted)
  }

  /// `convert` writes what torch.save writes for the loaded object (`torch_resave`), or for
  /// object graphs whose re-save depends on the Python runtime, the file's own bytes.
  @Test(arguments: names)
  func writingBackGivesTheExpectedBytes(_ name: String) throws {
    let doc = try Self.expected(name)
    let want = try #require(doc["convert_equals"] as? String)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-realworld-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("\(name).pt")
    try TorchFile.save(try Self.load(name).root, to: out)
    let got = try Data(contentsOf: out)
    #expect(got == (try Data(contentsOf: Self.folder.appendingPathComponent(want))), "\(want)")
  }

  @Test func aDictContainingItselfIsASharedNodeWithABackReference() throws {
    let root = try Self.load("cycle_self_dict").root
    guard case .shared(let box) = root else {
      Issue.record("root is \(root.typeName), not a shared node")
      return
    }
    guard case .backReference(let r)? = root["self"] else {
      Issue.record("root['self'] is not a back-reference")
      return
    }
    #expect(r.target === box)
    #expect(root["step"]?.int64 == 5)
    #expect(root.pythonRepr.hasSuffix("'self': {...}}"))
  }

  @Test func aListReachedThroughATupleKeepsOneIdentity() throws {
    let root = try Self.load("cycle_list").root
    guard case .shared(let items)? = root["items"], case .list(let elements) = items.value,
      case .backReference(let r) = elements[2]
    else {
      Issue.record("items is not a shared list ending in a back-reference")
      return
    }
    #expect(r.target === items)
    guard case .shared(let again)? = root["tuple"]?[1] else {
      Issue.record("tuple[1] is not the shared list")
      return
    }
    #expect(again === items)
  }

  /// The graph of a self-referencing file is freed once its root is: back-references are weak.
  @Test func aCyclicValueGraphIsFreed() throws {
    weak var box: PickleShared?
    do {
      let root = try Self.load("cycle_self_dict").root
      if case .shared(let b) = root { box = b }
      #expect(box != nil)
    }
    #expect(box == nil)
  }

  /// The pickle machine's node graph of a list appended to itself is a strong cycle; the
  /// unpickler empties the nodes so that ARC frees them.
  @Test func theNodeGraphOfASelfReferencingPickleIsFreed() throws {
    // l = []; l.append(l)
    let pickle: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]
    weak var node: PickleNode?
    do {
      var vm = PickleMachine(bytes: pickle, offset: 0, context: "t", options: .weightsOnly)
      let root = try vm.run()
      guard case .node(let n) = root else {
        Issue.record("root is not a node")
        return
      }
      node = n
      #expect(n.items.count == 1)
      vm.releaseNodes()
      #expect(n.items.isEmpty)
    }
    #expect(node == nil)
    let value = try Unpickler.unpickle(pickle).value
    guard case .shared(let box) = value, case .list(let items) = box.value,
      case .backReference(let r) = items[0]
    else {
      Issue.record("not a shared list holding a back-reference: \(value.typeName)")
      return
    }
    #expect(r.target === box)
    // Written back as CPython writes it: EMPTY_LIST BINPUT 0 BINGET 0 APPEND STOP.
    #expect(
      try Pickler.pickle(value).bytes == [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E])
  }

  @Test func castingAndRenamingKeepTheCycle() throws {
    let checkpoint = try Self.load("cycle_self_dict")
    let cast = checkpoint.castingFloatingTensors(to: .float16)
    guard case .shared(let box) = cast.root, case .backReference(let r)? = cast.root["self"] else {
      Issue.record("the cast graph lost its cycle")
      return
    }
    #expect(r.target === box)
    #expect(cast.root["w"]?.tensor?.dtype == .float16)
    let renamed = checkpoint.renamingStateDictKeys(addingPrefix: "module.")
    guard case .shared(let rbox) = renamed.root, case .backReference(let rr)? = renamed.root["self"]
    else {
      Issue.record("the renamed graph lost its cycle")
      return
    }
    #expect(rr.target === rbox)
  }

  @Test func numpyArraysDecodeToDtypeShapeAndCOrderBytes() throws {
    let root = try Self.load("numpy_values").root
    let stats = try #require(root["stats"])
    guard case .array(let fortran)? = try NumpyValue.decode(try #require(stats["fortran"]), at: "")
    else {
      Issue.record("stats/fortran is not a numpy array")
      return
    }
    #expect(fortran.dtype.name == "int64")
    #expect(fortran.shape == [2, 3, 4])
    #expect(fortran.isFortranOrder)
    // np.arange(24).reshape(2, 3, 4) in C order: 0, 1, 2, ... 23.
    let values = stride(from: 0, to: 24 * 8, by: 8).map { Int(fortran.cOrderBytes[$0]) }
    #expect(values == Array(0..<24))
    guard case .scalar(let best)? = try NumpyValue.decode(try #require(root["best_score"]), at: "")
    else {
      Issue.record("best_score is not a numpy scalar")
      return
    }
    #expect(best.dtype.name == "float64")
    #expect(best.jsonValue == "0.875")
    guard case .array(let big)? = try NumpyValue.decode(try #require(stats["big_endian"]), at: "")
    else {
      Issue.record("stats/big_endian is not a numpy array")
      return
    }
    #expect(big.dtype.isBigEndian)
    #expect(
      Array(big.littleEndianCOrderBytes.prefix(8)) == Array((1.5).bitPattern.littleEndianBytes))
  }

  @Test func numpyValuesAreNotOnTheWeightsOnlyAllowlist() throws {
    let url = Self.folder.appendingPathComponent("numpy_values.pt")
    let error = #expect(throws: FormatError.self) { try Checkpoint.load(contentsOf: url) }
    #expect(error?.code == .forbiddenGlobal)
    #expect(error?.message.contains("numpy._core.multiarray.scalar") == true)
  }

  @Test func tiedWeightsAreDeduplicatedAsSaveModelDoes() throws {
    let checkpoint = try Self.load("tied_gpt2")
    let d = try SharedTensorDeduplication(tensors: try checkpoint.flatTensors())
    #expect(d.dropped == [.init(name: "transformer.wte.weight", keptName: "lm_head.weight")])
    #expect(d.metadata == ["transformer.wte.weight": "lm_head.weight"])
    let bytes = try SafeTensorsFile(tensors: d.tensors, metadata: d.metadata).serialized()
    let want = try Data(
      contentsOf: Self.folder.appendingPathComponent("tied_gpt2.save_model.safetensors"))
    #expect(Data(bytes) == want)
  }

  @Test func sharedViewsThatSaveModelRefusesAreRefused() throws {
    let url = Repository.golden("pytorch/interop/views_shared.pt")
    let flat = try Checkpoint.load(contentsOf: url).flatTensors()
    let error = #expect(throws: FormatError.self) {
      try SharedTensorDeduplication(tensors: flat)
    }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("'cols' is not contiguous") == true, "\(error?.message ?? "")")
    // Two contiguous halves of one storage: no name covers it, save_model raises.
    let storage = Storage(bytes: [UInt8](repeating: 0, count: 16))
    let a = try Tensor(storage: storage, dtype: .float32, shape: [2], strides: [1])
    let b = try Tensor(
      storage: storage, dtype: .float32, shape: [2], strides: [1], storageOffset: 2)
    let halves = #expect(throws: FormatError.self) {
      try SharedTensorDeduplication(tensors: [("a", a), ("b", b)])
    }
    #expect(halves?.message.contains("none of 'a' covers all of it") == true)
  }
}

extension UInt64 {
  fileprivate var littleEndianBytes: [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: self >> (8 * UInt64($0))) }
  }
}

/// Cycles only a hand-made pickle can hold.
@Suite struct HandMadeCycleTests {
  /// `s = set(); s.add(s)` is impossible in Python (a set is unhashable), but a pickle can say
  /// it: reading works, writing refuses instead of recursing forever.
  @Test func aSetContainingItselfIsReadButNotWritten() throws {
    // EMPTY_SET BINPUT 0 MARK BINGET 0 ADDITEMS STOP (protocol 4 opcodes; weights-only refuses
    // them, so read with opaque objects allowed).
    let pickle: [UInt8] = [0x80, 0x04, 0x8F, 0x71, 0x00, 0x28, 0x68, 0x00, 0x90, 0x2E]
    let value = try Unpickler.unpickle(pickle, options: .trusted).value
    guard case .shared(let box) = value, case .set(let items) = box.value,
      case .backReference(let r) = items[0]
    else {
      Issue.record("not a shared set holding a back-reference: \(value.typeName)")
      return
    }
    #expect(r.target === box)
    #expect(value.pythonRepr == "{...}")
    let error = #expect(throws: FormatError.self) { try Pickler.pickle(value) }
    #expect(error?.code == .invalidArgument)
    #expect(error?.message.contains("cycle through set") == true, "\(error?.message ?? "")")
  }
}
