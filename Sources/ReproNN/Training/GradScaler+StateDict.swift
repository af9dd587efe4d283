public import ReproFormat

extension GradScaler {
  /// The scaler's state dict (`state_dict()`), as PyTorch writes it: `{"scale",
  /// "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"}` in that order, or
  /// `{}` when disabled.
  ///
  /// `scale` is the initial scale object as given (an int for `initScale: 1024`) until the
  /// first `scale(_:)` creates the float32 scale, and that value as a Python float afterwards.
  public func stateDict() -> PickleValue {
    guard isEnabled else { return .dict([]) }
    let scale: PickleValue = scaleTensorValue.map { .float(Double($0)) } ?? initScale.pickleValue
    return .dict([
      PicklePair(.string("scale"), scale),
      PicklePair(.string("growth_factor"), growthFactor.pickleValue),
      PicklePair(.string("backoff_factor"), backoffFactor.pickleValue),
      PicklePair(.string("growth_interval"), .int(growthInterval)),
      PicklePair(.string("_growth_tracker"), .int(growthTracker)),
    ])
  }

  /// Restores a state dict written by `stateDict()` or PyTorch (`load_state_dict`); a disabled
  /// scaler ignores it.
  ///
  /// - Throws: `NNError.Code.invalidStateDict` for an empty dict (PyTorch's message about
  ///   a disabled scaler) or a key that is missing or has the wrong type, naming it; nothing is
  ///   modified when it throws.
  public func loadStateDict(_ value: PickleValue) throws(NNError) {
    guard isEnabled else { return }
    guard let pairs = value.pairs else {
      throw NNError(
        .invalidStateDict, "GradScaler state dict is \(value.typeName), expected a dict")
    }
    if pairs.isEmpty {
      throw NNError(
        .invalidStateDict,
        "The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler."
      )
    }
    func number(_ key: String) throws(NNError) -> PythonNumber {
      guard let v = value[key] else {
        throw NNError(.invalidStateDict, "GradScaler state dict has no \"\(key)\"")
      }
      guard let n = PythonNumber(v) else {
        throw NNError(
          .invalidStateDict, "GradScaler state dict \"\(key)\" is \(v.typeName), expected a number")
      }
      return n
    }
    func integer(_ key: String) throws(NNError) -> Int64 {
      guard case .int(let i) = try number(key) else {
        throw NNError(
          .invalidStateDict, "GradScaler state dict \"\(key)\" is float, expected an int")
      }
      return i
    }
    let scale = try number("scale")
    let growth = try number("growth_factor")
    let backoff = try number("backoff_factor")
    let interval = try integer("growth_interval")
    let tracker = try integer("_growth_tracker")
    restore(
      initScale: scale, growthFactor: growth, backoffFactor: backoff, growthInterval: interval,
      tracker: tracker)
  }
}
