import ReproFormat

extension PickleValue {
  /// The value stored under `key` in this dict, for the readers of state dicts and checkpoints.
  ///
  /// - Parameter what: names this dict in the error (`"checkpoint"`, `"optimizer state dict"`).
  /// - Throws: `NNError` `.invalidStateDict`: `<what> has no "<key>" key`.
  func required(_ key: String, in what: String) throws(NNError) -> PickleValue {
    guard let v = self[key] else {
      throw NNError(.invalidStateDict, "\(what) has no \"\(key)\" key")
    }
    return v
  }
}
