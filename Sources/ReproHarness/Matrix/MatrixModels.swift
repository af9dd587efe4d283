import ReproNN
import ReproTensor
import Synchronization

/// The models of the matrix, built once per (model, seed, precision) and reset to their pristine
/// values between cases (building resnet18 costs ~0.4 s; loading values back costs a copy).
final class MatrixModels: Sendable {
  struct Entry: @unchecked Sendable {
    // Invariant: used by one case at a time (the runner is sequential), reset after each use.
    let module: Module
    let pristine: StateDict
  }

  private let cache = Mutex<[String: Entry]>([:])

  /// The module for a case, with its pristine values loaded.
  func model(_ name: String, seed: UInt64, dtype: DType) throws -> Entry {
    let key = "\(name)/\(seed)/\(dtype.pytorchName)"
    if let hit = cache.withLock({ $0[key] }) {
      try hit.module.loadStateDict(hit.pristine)
      hit.module.eval()
      return hit
    }
    let module = try ModelFactory.make(name, generator: Generator(seed: seed))
    if dtype != .float32 { module.cast(to: dtype) }
    module.eval()
    let sd = module.stateDict()
    let pristine = StateDict(
      entries: sd.entries.map { StateDictEntry(key: $0.key, tensor: $0.tensor.copied()) },
      metadata: sd.metadata)
    let entry = Entry(module: module, pristine: pristine)
    cache.withLock { $0[key] = entry }
    return entry
  }

  /// The input a model's forward pass is run on: the zoo's example input
  /// (`ModelZoo.exampleInput(named:seed:dtype:)`).
  ///
  /// - Throws: `HarnessError` `.unexpectedValue` for a model that is not in the zoo.
  static func input(for name: String, seed: UInt64, dtype: DType) throws -> Tensor {
    guard let x = try ModelZoo.exampleInput(named: name, seed: seed, dtype: dtype) else {
      throw HarnessError(
        .unexpectedValue,
        "model '\(name)' has no example input; zoo models: \(ModelZoo.names.joined(separator: ", "))"
      )
    }
    return x
  }
}
