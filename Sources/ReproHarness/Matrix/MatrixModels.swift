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

  /// The input a model's forward pass is run on: `randn` from seed 10_000 + seed, batch 2
  /// (resnet18 at 32×32 to keep the matrix fast; its adaptive pooling accepts any size).
  static func input(for name: String, seed: UInt64, dtype: DType) throws -> Tensor {
    let shape: [Int] =
      switch name {
      case "simple": [2, 10]
      case "mlp": [2, 16]
      case "cnn": [2, 3, 16, 16]
      default: [1, 3, 32, 32]
      }
    let x = try Generator(seed: 10_000 + seed).randn(shape: shape)
    return dtype == .float32 ? x : x.to(dtype)
  }
}
