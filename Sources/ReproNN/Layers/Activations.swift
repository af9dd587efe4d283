import ReproTensor

/// Activation layers: ReLU, Tanh, Sigmoid.

/// `nn.ReLU`.
public final class ReLU: Module {
  /// Whether PyTorch overwrites the input (`inplace`); the values are the same either way.
  public let isInplace: Bool
  /// Creates the layer.
  public init(inplace: Bool = false) {
    isInplace = inplace
    super.init(typeName: "ReLU")
  }
  /// `relu(x)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.relu()
  }
}

/// `nn.Tanh`.
public final class Tanh: Module {
  /// Creates the layer.
  public init() { super.init(typeName: "Tanh") }
  /// `tanh(x)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.tanh()
  }
}

/// `nn.Sigmoid`.
public final class Sigmoid: Module {
  /// Creates the layer.
  public init() { super.init(typeName: "Sigmoid") }
  /// `sigmoid(x)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.sigmoid()
  }
}
