import ReproFormat
import ReproNN
import ReproTensor

/// A matrix case that cannot complete, with the reason.
public struct MatrixError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  public var description: String
  /// Creates an error.
  public init(_ description: String) { self.description = description }
}

extension MatrixRunner {
  /// The pairs of a dict or OrderedDict.
  static func pairs(_ v: PickleValue) throws -> [PicklePair] {
    switch v.unshared {
    case .dict(let p), .orderedDict(let p, _): return p
    default: throw MatrixError("expected a dict")
    }
  }

  /// A state dict with a float32 master copy appended under `master.` (the mixed layout).
  static func merged(_ a: PickleValue, _ b: PickleValue) throws -> PickleValue {
    guard case .orderedDict(let p, let attributes) = a.unshared else {
      throw MatrixError("state dict is not an OrderedDict")
    }
    return .orderedDict(p + (try pairs(b)), attributes: attributes)
  }

  /// The state dict with its first key left out and an `extra.weight` added (for non-strict
  /// loading).
  static func withOneKeySwapped(_ v: PickleValue) throws -> PickleValue {
    guard case .orderedDict(let p, let attributes) = v.unshared, let first = p.first else {
      throw MatrixError("state dict is not a non-empty OrderedDict")
    }
    return .orderedDict(
      Array(p.dropFirst()) + [PicklePair(.string("extra.weight"), first.value)],
      attributes: attributes)
  }

  /// The model's state dict as loaded: whole modules read through their `__dict__`, the
  /// DataParallel prefix stripped, the mixed layout's master copy dropped.
  static func stateDictValue(of root: PickleValue, route: MatrixCase.Route) throws -> PickleValue {
    var pairs: [PicklePair]
    if case .object(let object) = root.unshared {
      pairs = ModuleTree.stateDict(of: object, keepVars: false).map {
        PicklePair(.string($0.0), $0.1)
      }
    } else {
      pairs = try Self.pairs(root)
    }
    pairs = pairs.compactMap { p in
      guard case .string(let key) = p.key.unshared else { return p }
      if key.hasPrefix("master.") { return nil }
      if route == .dataParallel {
        guard key.hasPrefix("module.") else { return p }
        return PicklePair(.string(String(key.dropFirst("module.".count))), p.value)
      }
      return p
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
