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
    registerDefaultWeightAndBias(
      weightShape: [outFeatures, inFeatures], bias: bias, biasCount: outFeatures,
      fanIn: inFeatures, dtype: dtype, generator: generator)
  }

  /// `F.linear(x, weight, bias)`; inside an `Autocast` scope input, weight and bias are cast to
  /// the scope's dtype first.
  public override func forward(_ input: Variable) throws -> Variable {
    let (w, b) = try autocastWeightAndBias()
    return try Variable.linear(Autocast.lowerPrecision(input), weight: w, bias: b)
  }
}
