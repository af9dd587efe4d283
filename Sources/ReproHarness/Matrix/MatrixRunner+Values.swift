import Foundation
import ReproFormat
import ReproNN
import ReproTensor

extension MatrixRunner {
  /// The pairs of a dict or OrderedDict.
  ///
  /// - Parameter what: names the value in the error (`"the state dict loaded from x.pt"`).
  /// - Throws: `HarnessError` `.unexpectedValue` naming `what` and the type found.
  static func pairs(_ v: PickleValue, of what: String) throws(HarnessError) -> [PicklePair] {
    switch v.unshared {
    case .dict(let p), .orderedDict(let p, _): return p
    default:
      throw HarnessError(
        .unexpectedValue, "\(what): expected a dict or OrderedDict, got \(v.typeName)")
    }
  }

  /// A state dict with a float32 master copy appended under `master.` (the mixed layout).
  static func merged(_ a: PickleValue, _ b: PickleValue) throws(HarnessError) -> PickleValue {
    guard case .orderedDict(let p, let attributes) = a.unshared else {
      throw HarnessError(
        .unexpectedValue,
        "the state dict to save (mixed precision): expected an OrderedDict to append the float32 master copy to, got \(a.typeName)"
      )
    }
    return .orderedDict(
      p + (try pairs(b, of: "the float32 master state dict (mixed precision)")),
      attributes: attributes)
  }

  /// The state dict with its first key left out and an `extra.weight` added (for non-strict
  /// loading).
  static func withOneKeySwapped(_ v: PickleValue) throws(HarnessError) -> PickleValue {
    guard case .orderedDict(let p, let attributes) = v.unshared, let first = p.first else {
      throw HarnessError(
        .unexpectedValue,
        "the state dict to save (non-strict route): expected a non-empty OrderedDict to swap a key of, got \(v.typeName) with \(v.pairs?.count ?? 0) entries"
      )
    }
    return .orderedDict(
      Array(p.dropFirst()) + [PicklePair(.string("extra.weight"), first.value)],
      attributes: attributes)
  }

  /// The model's state dict as loaded: whole modules read through their `__dict__`, the
  /// mixed layout's master copy dropped. (The DataParallel route strips `module.` first, with
  /// `Checkpoint.renamingStateDictKeys(strippingPrefix:)`.)
  ///
  /// - Parameter file: the file `root` was loaded from, for the error message.
  static func stateDictValue(of root: PickleValue, file: URL) throws(HarnessError) -> PickleValue {
    var pairs: [PicklePair]
    if case .object(let object) = root.unshared {
      pairs = ModuleTree.stateDict(of: object, keepVars: false).map {
        PicklePair(.string($0.0), $0.1)
      }
    } else {
      pairs = try Self.pairs(root, of: "the state dict loaded from \(file.lastPathComponent)")
    }
    pairs = pairs.filter { p in
      guard case .string(let key) = p.key.unshared else { return true }
      return !key.hasPrefix("master.")
    }
    return .orderedDict(pairs, attributes: [])
  }

  /// Overwrites every floating parameter and buffer with zeros, so that a load must restore them.
  static func scramble(_ model: Module) throws {
    let sd = model.stateDict()
    let zeros = sd.entries.map {
      StateDictEntry(key: $0.key, tensor: Tensor(zeros: $0.tensor.shape, dtype: $0.tensor.dtype))
    }
    try model.loadStateDict(StateDict(entries: zeros, metadata: sd.metadata))
  }
}
