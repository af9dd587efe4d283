import ReproTensor

/// What `nn.Linear` and `nn.Conv2d` share: their `reset_parameters()` and the autocast of their
/// weight and bias.
extension Module {
  /// Registers `weight` (zeros of `shape`, then `kaiming_uniform_(a=sqrt(5))`) and, when
  /// `bias` is set, `bias` (`uniform_(-1/sqrt(fanIn), 1/sqrt(fanIn))` over `count` values,
  /// drawn after the weight), or a `None` bias; as PyTorch's `reset_parameters()`.
  func registerDefaultWeightAndBias(
    weightShape: [Int], bias: Bool, biasCount: Int, fanIn: Int, dtype: DType,
    generator: Generator
  ) {
    let weight = Tensor(zeros: weightShape, dtype: dtype)
    Initializers.defaultWeightInit(weight, generator: generator)
    registerParameter("weight", Parameter(weight))
    guard bias else {
      registerParameter("bias", nil)
      return
    }
    let b = Tensor(zeros: [biasCount], dtype: dtype)
    Initializers.defaultBiasInit(b, fanIn: fanIn, generator: generator)
    registerParameter("bias", Parameter(b))
  }

  /// The `weight` and `bias` parameters as variables, each cast to the `Autocast` scope's
  /// dtype (autocast casts a linear or convolution layer's weight and bias with its input).
  ///
  /// - Throws: `NNError` `.invalidArgument` when the module has no `weight` parameter.
  func autocastWeightAndBias() throws(NNError) -> (weight: Variable, bias: Variable?) {
    guard let weight = parameter("weight") else {
      throw NNError(.invalidArgument, "\(typeName) has no weight parameter")
    }
    return (
      Autocast.lowerPrecision(Variable(weight)),
      parameter("bias").map { Autocast.lowerPrecision(Variable($0)) }
    )
  }
}
