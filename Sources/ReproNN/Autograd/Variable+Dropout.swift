public import ReproTensor

extension Variable {
  /// Dropout (`F.dropout`), as PyTorch's CPU `_dropout_impl`.
  ///
  /// The output is `x * noise` with `noise = bernoulli(1 − p) / (1 − p)` drawn from
  /// `generator`; the gradient is `g * noise`. Nothing is drawn when not training or `p == 0`
  /// (the input is returned).
  ///
  /// - Throws: `NNError` `.invalidArgument` for `p` outside [0, 1], and the errors of
  ///   `Generator.dropoutNoise`.
  public func dropout(p: Double, training: Bool, generator: Generator) throws
    -> Variable
  {
    guard p >= 0 && p <= 1 else {
      throw NNError(
        .invalidArgument, "dropout probability has to be between 0 and 1, but got \(p)")
    }
    if !training || p == 0 { return self }
    let noise = try generator.dropoutNoise(like: value, p: p)
    return Variable.record(try value.mul(noise), name: "MulBackward0", inputs: [self]) {
      (g, _) throws in
      [try g.mul(noise)]
    }
  }
}
