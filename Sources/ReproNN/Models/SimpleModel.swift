public import ReproTensor

/// The PyTorch guides' `SimpleModel`: one `Linear(10, 1)` named `fc`, forward `fc(x)`.
public final class SimpleModel: Module {
  /// The only layer.
  public let fc: Linear

  /// Creates the model, drawing `fc`'s initial values from `generator`.
  public init(generator: Generator) {
    fc = Linear(10, 1, generator: generator)
    super.init(typeName: "SimpleModel")
    registerChild("fc", fc)
  }

  /// `fc(x)`.
  public override func forward(_ input: Variable) throws -> Variable { try fc(input) }
}
