public import ReproTensor

/// `nn.Dropout(p)`: zeroes elements with probability `p` in training, drawing from `generator`
/// exactly as PyTorch's CPU dropout draws from the default generator (torch-rng.md §9).
///
/// Nothing is drawn in evaluation mode or when `p == 0`.
public final class Dropout: Module {
  /// Drop probability.
  public let p: Double
  /// Where the masks are drawn from: the generator the model was built from when made by
  /// `ModelFactory` (as PyTorch's init and dropout share the default generator), otherwise
  /// `Generator.default`.
  public var generator: Generator
  /// Whether PyTorch overwrites the input (`inplace`).
  public let isInplace: Bool
  /// Creates the layer.
  public init(p: Double = 0.5, inplace: Bool = false, generator: Generator = .default) {
    self.p = p
    self.isInplace = inplace
    self.generator = generator
    super.init(typeName: "Dropout")
  }

  /// `F.dropout(x, p, training)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.dropout(p: p, training: isTraining, generator: generator)
  }
}
