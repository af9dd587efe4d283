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

  /// `xavier_uniform_(w)` (gain 1): `uniform_(-a, a)` with `a = sqrt(3) * sqrt(2 / (fan_in +
  /// fan_out))`, computed in double as Python does.
  public static func xavierUniform(_ weight: Tensor, generator: Generator) {
    mustSucceed {
      let (fanIn, fanOut) = try Generator.fanInAndFanOut(shape: weight.shape)
      let std = 1.0 * (2.0 / Double(fanIn + fanOut)).squareRoot()
      let a = 3.0.squareRoot() * std
      try generator.fillUniform(weight, from: -a, to: a)
    }
  }

  /// `xavier_normal_(w)` (gain 1): `normal_(0, sqrt(2 / (fan_in + fan_out)))`.
  public static func xavierNormal(_ weight: Tensor, generator: Generator) {
    mustSucceed {
      let (fanIn, fanOut) = try Generator.fanInAndFanOut(shape: weight.shape)
      try generator.fillNormal(
        weight, mean: 0, std: 1.0 * (2.0 / Double(fanIn + fanOut)).squareRoot())
    }
  }

  /// `normal_(w, mean, std)` on a tensor the layer allocated.
  public static func normal(
    _ tensor: Tensor, mean: Double = 0, std: Double = 1, generator: Generator
  ) {
    mustSucceed { try generator.fillNormal(tensor, mean: mean, std: std) }
  }

  /// Sets every element of `tensor`'s storage to `value` (`constant_`, `zeros_`, `ones_` on a
  /// contiguous tensor the module owns).
  public static func fill(_ tensor: Tensor, _ value: Double) {
    for i in 0..<tensor.count {
      tensor.setScalar(.float(value), atStorageIndex: tensor.storageOffset + i)
    }
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
