public import ReproFormat
import ReproTensor

/// Reading state dicts back from loaded values (the writers are in Module+Pickle.swift).
extension StateDict {
  /// Reads a state dict from a loaded value: an `OrderedDict` (or dict) of str → tensor; the
  /// `_metadata` versions are read when present.
  ///
  /// - Throws: `NNError` (`.invalidStateDict`) saying which key or value is not what a state dict holds.
  public init(_ value: PickleValue) throws(NNError) {
    guard let pairs = value.pairs else {
      throw NNError(
        .invalidStateDict,
        "expected a state dict (an OrderedDict of str to Tensor), got \(value.typeName)")
    }
    var entries: [StateDictEntry] = []
    for p in pairs {
      guard let k = p.key.string else {
        throw NNError(.invalidStateDict, "state dict key is \(p.key.typeName), expected str")
      }
      guard let t = p.value.tensor else {
        throw NNError(
          .invalidStateDict,
          "state dict value for \"\(k)\" is \(p.value.typeName), expected a Tensor")
      }
      entries.append(StateDictEntry(key: k, tensor: t))
    }
    var metadata: [(path: String, version: Int)] = []
    if case .orderedDict(_, let attributes) = value.unshared,
      let meta = attributes.first(where: { $0.key.string == "_metadata" })?.value.pairs
    {
      for m in meta {
        if let path = m.key.string, let v = m.value["version"]?.int64 {
          metadata.append((path, Int(v)))
        }
      }
    }
    self.init(entries: entries, metadata: metadata)
  }
}

extension Module {
  /// Loads a state dict read from a file (`model.load_state_dict(torch.load(f))`).
  ///
  /// - Parameters:
  ///   - value: an `OrderedDict` (or dict) of str → tensor.
  ///   - strict: whether missing or unexpected keys are an error.
  /// - Returns: the missing and unexpected keys.
  /// - Throws: `NNError` (`.invalidStateDict`) when `value` is not a state dict, or as `loadStateDict(_:strict:)`.
  @discardableResult
  public func loadStateDict(from value: PickleValue, strict: Bool = true) throws(NNError)
    -> IncompatibleKeys
  {
    try loadStateDict(try StateDict(value), strict: strict)
  }
}
