import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One file written by torch.save 2.13 in Scripts/make_module_oracles.py.
struct ModuleOracle: Decodable, CustomTestStringConvertible, Sendable {
  let name: String
  let spec: String
  let seed: Int64
  let dtype: String
  let mode: String
  let sha256: String
  let size: Int
  let file: String?

  var testDescription: String { "\(name): \(mode) \(spec) seed=\(seed) \(dtype)" }

  static let folder = Repository.golden("pytorch/modules")

  static func all(in folder: URL = folder) throws -> [ModuleOracle] {
    struct Manifest: Decodable { let cases: [ModuleOracle] }
    return try TestJSON.decode(Manifest.self, from: folder.appendingPathComponent("manifest.json"))
      .cases
  }

  func generation() throws -> ModelGeneration {
    try ModelGeneration(
      spec: spec, seed: UInt64(bitPattern: seed), dtype: try #require(DType(pytorchName: dtype)),
      mode: try #require(ModelGeneration.Mode(rawValue: mode)))
  }
}

/// Whole modules and state dicts serialized by Repro equal torch.save's files byte for byte.
@Suite struct ModulePickleTests {
  @Test(arguments: try ModuleOracle.all())
  func serializationIsByteIdenticalToTorchSave(oracle: ModuleOracle) throws {
    let generation = try oracle.generation()
    let bytes = try generation.serialized(try generation.makeModel(), archiveName: oracle.name)
    #expect(bytes.count == oracle.size)
    #expect(SHA256Digest.hex(of: bytes) == oracle.sha256)
    if let file = oracle.file, SHA256Digest.hex(of: bytes) != oracle.sha256 {
      // Point at the first differing byte of data.pkl to make a mismatch easy to read.
      let torch = try Checkpoint.load(
        contentsOf: ModuleOracle.folder.appendingPathComponent(file), policy: .trusted)
      Issue.record("differs from torch.save's \(file) (\(torch.tensors.count) tensors there)")
    }
  }

  @Test func savedFileOnDiskEqualsTorchSaveAndIsAtomic() throws {
    let oracle = try #require(
      try ModuleOracle.all().first { $0.mode == "module" && $0.file != nil })
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-gen-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent(oracle.name + ".pt")
    let generation = try oracle.generation()
    try generation.write(try generation.makeModel(), to: url)
    let written = try Data(contentsOf: url)
    let torch = try Data(
      contentsOf: ModuleOracle.folder.appendingPathComponent(try #require(oracle.file)))
    #expect(written == torch)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [oracle.name + ".pt"])
  }

  @Test func stateDictValueHasMetadataAndSharesStorage() throws {
    let model = try ModelFactory.make(
      "Sequential(Linear(2, 3), BatchNorm2d(3))", generator: Generator(seed: UInt64(0)))
    let value = model.stateDictValue(prefix: "module.")
    guard case .orderedDict(let pairs, let attributes) = value else {
      Issue.record("not an OrderedDict: \(value.typeName)")
      return
    }
    #expect(
      pairs.compactMap { $0.key.string } == [
        "module.0.weight", "module.0.bias", "module.1.weight", "module.1.bias",
        "module.1.running_mean",
        "module.1.running_var", "module.1.num_batches_tracked",
      ])
    let metadata = try #require(attributes.first { $0.key.string == "_metadata" }?.value.pairs)
    #expect(metadata.compactMap { $0.key.string } == ["module", "module.0", "module.1"])
    #expect(metadata.map { $0.value["version"]?.int64 } == [1, 1, 2])
    let weight = try #require(pairs[0].value.tensor)
    #expect(weight.storage === model.child("0")?.parameter("weight")?.value.storage)
    #expect(weight.requiresGrad == false)
  }

  @Test func wholeModuleReadsBackAsTheSameTree() throws {
    let model = try ModelFactory.make("cnn", generator: Generator(seed: UInt64(3)))
    let bytes = try Checkpoint(root: try model.wholeModuleValue()).serialized(format: .torch)
    let loaded = try Checkpoint.load(file: Storage(bytes: bytes), policy: .trusted)
    #expect(!loaded.weightsOnlyOK)
    guard case .object(let root) = loaded.root.unshared else {
      Issue.record("root is \(loaded.root.typeName)")
      return
    }
    #expect(root.qualifiedName == "torch.nn.modules.container.Sequential")
    let back = ModuleTree.stateDict(of: root, keepVars: false)
    let original = model.stateDict()
    #expect(back.map(\.0) == original.keys)
    for (entry, (_, value)) in zip(original.entries, back) {
      #expect(value.tensor.map { $0.bytesEqual(entry.tensor) } == true, "\(entry.key)")
    }
  }

  @Test(arguments: ["resnet18(num_classes=10)", "Sequential(Linear(2, 2), resnet18)"])
  func modulesWithoutTorchNNClassAreRefused(spec: String) throws {
    let model = try ModelFactory.make(spec, generator: Generator(seed: UInt64(0)))
    #expect {
      _ = try model.wholeModuleValue()
    } throws: { error in
      guard let e = error as? NNError else { return false }
      return e.code == .unsupported && e.message.contains("has no torch.nn class")
        && e.message.contains("--mode state-dict")
    }
  }

  @Test(arguments: [
    "Embedding(4, 2)", "Sequential(Linear(2, 2), LayerNorm(2))", "gpt(8, 4, 1, 1, 4)",
  ])
  func transformerLayersAreStateDictOnlyAndSaySo(spec: String) throws {
    let model = try ModelFactory.make(spec, generator: Generator(seed: UInt64(0)))
    #expect {
      _ = try model.wholeModuleValue()
    } throws: { error in
      let message = (error as? NNError)?.message ?? ""
      return spec.hasPrefix("gpt")
        ? message.contains("the root module is a GPT, which has no torch.nn class")
        : message.contains("is a torch.nn.") && message.contains("does not write yet")
    }
  }

  @Test func tiedParameterIsWrittenOnce() throws {
    let a = Linear(3, 3, generator: Generator(seed: UInt64(0)))
    let shared = Sequential([a, ReLU(), a])
    let bytes = try Checkpoint(root: try shared.wholeModuleValue()).serialized(format: .torch)
    let loaded = try Checkpoint.load(file: Storage(bytes: bytes), policy: .trusted)
    // One storage per distinct tensor: the second placement is a memo reference.
    #expect(Set(loaded.tensors.map { ObjectIdentifier($0.storage) }).count == 2)
  }

  @Test func safetensorsModuleModeIsRefused() {
    #expect {
      _ = try ModelGeneration(spec: "mlp", seed: 0, mode: .module, format: .safetensors)
    } throws: { error in
      (error as? NNError)?.code == .invalidArgument
    }
  }
}
