public import ReproTensor

/// A fully connected layer `y = x Wᵀ + b` (`nn.Linear`).
///
/// Initialisation matches PyTorch bit for bit: `kaiming_uniform_(weight, a=sqrt(5))`, then
/// `bias.uniform_(-1/sqrt(in), 1/sqrt(in))`, drawn from `generator` in that order.
public final class Linear: Module {
  /// Input features.
  public let inFeatures: Int
  /// Output features.
  public let outFeatures: Int

  /// Creates the layer and initialises it from `generator` as PyTorch does.
  public init(
    _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
    generator: Generator
  ) {
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    super.init(typeName: "Linear")
    let weight = Tensor(zeros: [outFeatures, inFeatures], dtype: dtype)
    Initializers.defaultWeightInit(weight, generator: generator)
    registerParameter("weight", Parameter(weight))
    if bias {
      let b = Tensor(zeros: [outFeatures], dtype: dtype)
      Initializers.defaultBiasInit(b, fanIn: inFeatures, generator: generator)
      registerParameter("bias", Parameter(b))
    } else {
      registerParameter("bias", nil)
    }
  }

  /// `F.linear(x, weight, bias)`; inside an `Autocast` scope input, weight and bias are cast to
  /// the scope's dtype first.
  public override func forward(_ input: Variable) throws(TensorError) -> Variable {
    guard let weight = parameter("weight") else {
      throw TensorError(.invalidArgument, "\(typeName) has no weight parameter")
    }
    let w = Autocast.lowerPrecision(Variable(weight))
    let b = parameter("bias").map { Autocast.lowerPrecision(Variable($0)) }
    return try Variable.linear(Autocast.lowerPrecision(input), weight: w, bias: b)
  }
}
