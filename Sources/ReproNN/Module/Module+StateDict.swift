public import ReproTensor

/// One entry of a state dict: a dotted key and a tensor.
public struct StateDictEntry: Sendable {
  /// The key (`layer1.0.conv1.weight`).
  public var key: String
  /// The value; shares storage with the module, as `param.detach()` does.
  public var tensor: Tensor

  /// Creates an entry.
  public init(key: String, tensor: Tensor) {
    self.key = key
    self.tensor = tensor
  }
}

/// A module's state dict: its entries in PyTorch's order and the `_metadata` versions.
public struct StateDict: Sendable {
  /// Parameters and persistent buffers, in PyTorch's order.
  public var entries: [StateDictEntry]
  /// `_metadata`: module path (`""` for the root) → `_version`, in pre-order.
  public var metadata: [(path: String, version: Int)]

  /// Creates a state dict.
  public init(entries: [StateDictEntry], metadata: [(path: String, version: Int)] = []) {
    self.entries = entries
    self.metadata = metadata
  }

  /// The keys in order.
  public var keys: [String] { entries.map(\.key) }

  /// The tensor stored under `key`.
  public subscript(key: String) -> Tensor? { entries.first { $0.key == key }?.tensor }
}

/// What `loadStateDict` found: keys the module expected but did not get, and keys it got but does
/// not have (PyTorch's `_IncompatibleKeys`).
public struct IncompatibleKeys: Sendable, Equatable {
  /// Keys of the module absent from the state dict.
  public var missingKeys: [String]
  /// Keys of the state dict the module does not have.
  public var unexpectedKeys: [String]
}

extension Module {
  /// The state dict (`state_dict()`): parameters then persistent buffers of each module, pre-order,
  /// with the `_metadata` of every module.
  ///
  /// - Parameter prefix: prepended to every key (`module.` for DataParallel's layout).
  public func stateDict(prefix: String = "") -> StateDict {
    var entries: [StateDictEntry] = []
    var metadata: [(String, Int)] = []
    for (path, module) in namedModules() {
      let keyPrefix = prefix + (path.isEmpty ? "" : path + ".")
      let metaPath = String(keyPrefix.dropLast(keyPrefix.hasSuffix(".") ? 1 : 0))
      metadata.append((metaPath, module.version))
      for case (let name, let p?) in module.namedParameters {
        var t = p.value
        t.requiresGrad = false
        entries.append(StateDictEntry(key: keyPrefix + name, tensor: t))
      }
      for case (let name, let b?, true) in module.namedBuffers {
        entries.append(StateDictEntry(key: keyPrefix + name, tensor: b))
      }
    }
    return StateDict(entries: entries, metadata: metadata)
  }

  /// Copies tensors from a state dict into this module (`load_state_dict`).
  ///
  /// Values are copied into the module's tensors with PyTorch's `copy_` semantics: the module
  /// keeps its own dtype and device tag (a float16 state dict loaded into a float32 model is cast).
  ///
  /// - Parameters:
  ///   - stateDict: the entries to load.
  ///   - strict: whether missing or unexpected keys are an error (PyTorch's default `true`).
  /// - Returns: the missing and unexpected keys (both empty when `strict` succeeds).
  /// - Throws: `NNError` `.stateDictMismatch` (PyTorch's `Error(s) in loading state_dict for
  ///   …` with one line per problem) on any shape mismatch, and in strict mode on any missing or
  ///   unexpected key; nothing is modified when it throws.
  @discardableResult
  public func loadStateDict(_ stateDict: StateDict, strict: Bool = true) throws(NNError)
    -> IncompatibleKeys
  {
    var targets: [(key: String, shape: [Int], assign: (Tensor) -> Void)] = []
    for (path, module) in namedModules() {
      let keyPrefix = path.isEmpty ? "" : path + "."
      for case (let name, let p?) in module.namedParameters {
        targets.append(
          (keyPrefix + name, p.value.shape, { p.value = Module.copied($0, like: p.value) }))
      }
      for case (let name, let b?, true) in module.namedBuffers {
        targets.append(
          (keyPrefix + name, b.shape, { module.setBuffer(name, Module.copied($0, like: b)) }))
      }
    }
    var provided = Dictionary(
      stateDict.entries.map { ($0.key, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    // BatchNorm's `_load_from_state_dict`: a state dict older than its `_version` 2 (or without
    // `_metadata`) may lack `num_batches_tracked`; the module keeps its own value.
    let versions = Dictionary(
      stateDict.metadata.map { ($0.path, $0.version) }, uniquingKeysWith: { a, _ in a })
    for (path, module) in namedModules() where module is BatchNorm2d {
      guard (versions[path] ?? 0) < 2, let own = module.buffer("num_batches_tracked") else {
        continue
      }
      let key = (path.isEmpty ? "" : path + ".") + "num_batches_tracked"
      if provided[key] == nil { provided[key] = own }
    }
    let targetKeys = Set(targets.map(\.key))
    let missing = targets.map(\.key).filter { provided[$0] == nil }
    let unexpected = stateDict.keys.filter { !targetKeys.contains($0) }
    var problems: [String] = []
    for t in targets {
      if let v = provided[t.key], v.shape != t.shape {
        problems.append(
          "size mismatch for \(t.key): copying a param with shape \(Module.torchSize(v.shape)) from checkpoint, the shape in current model is \(Module.torchSize(t.shape))."
        )
      }
    }
    let keys = IncompatibleKeys(missingKeys: missing, unexpectedKeys: unexpected)
    if strict {
      if !unexpected.isEmpty {
        problems.insert(
          "Unexpected key(s) in state_dict: \(unexpected.map { "\"\($0)\"" }.joined(separator: ", ")). ",
          at: 0)
      }
      if !missing.isEmpty {
        problems.insert(
          "Missing key(s) in state_dict: \(missing.map { "\"\($0)\"" }.joined(separator: ", ")). ",
          at: 0)
      }
    }
    if !problems.isEmpty {
      var error = NNError(
        .stateDictMismatch,
        "Error(s) in loading state_dict for \(typeName):\n\t" + problems.joined(separator: "\n\t"))
      error.incompatibleKeys = keys
      throw error
    }
    for t in targets { if let v = provided[t.key] { t.assign(v) } }
    return keys
  }

  /// `torch.Size([2, 3])`, as PyTorch prints shapes in its messages.
  static func torchSize(_ shape: [Int]) -> String {
    "torch.Size([\(shape.map(String.init).joined(separator: ", "))])"
  }

  /// A new tensor with `source`'s values in `target`'s dtype and device (`target.copy_(source)`).
  static func copied(_ source: Tensor, like target: Tensor) -> Tensor {
    // `to` applies PyTorch's cast rules (what copy_ does across dtypes); `copied` makes the
    // module own contiguous bytes, never a view of the file it was loaded from.
    var out = source.to(target.dtype).copied()
    out.device = target.device
    out.requiresGrad = target.requiresGrad
    return out
  }
}
