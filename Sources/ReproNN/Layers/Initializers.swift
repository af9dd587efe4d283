public import ReproTensor

/// PyTorch's default initialisers for the layers (torch-rng.md §10), in one place.
public enum Initializers {
  /// `kaiming_uniform_(w, a=sqrt(5))`: the default weight init of Linear and Conv2d.
  public static func defaultWeightInit(_ weight: Tensor, generator: Generator) {
    mustSucceed {
      try generator.fillKaimingUniform(
        weight, a: 5.0.squareRoot(), mode: .fanIn, nonlinearity: .leakyRelu)
    }
  }

  /// `uniform_(-1/sqrt(fan_in), 1/sqrt(fan_in))` (bound 0 when fan_in is 0).
  public static func defaultBiasInit(_ bias: Tensor, fanIn: Int, generator: Generator) {
    let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
    mustSucceed { try generator.fillUniform(bias, from: -bound, to: bound) }
  }

  /// Runs an initialiser on a tensor the layer itself allocated (floating, contiguous, ≥ 2-d for
  /// weights), where an error can only be a programmer error.
  static func mustSucceed(_ body: () throws -> Void) {
    do { try body() } catch { preconditionFailure("layer initialisation failed: \(error)") }
  }

  /// A contiguous tensor of `shape` with every element `value`.
  public static func filled(_ shape: [Int], _ value: Double, dtype: DType) -> Tensor {
    let t = Tensor(zeros: shape, dtype: dtype)
    for i in 0..<t.count { t.setScalar(.float(value), atStorageIndex: i) }
    return t
  }
}
