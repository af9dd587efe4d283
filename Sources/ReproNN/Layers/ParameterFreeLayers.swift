import ReproTensor

/// Parameter-free layers added for transformers: GELU, Softmax, Identity.

/// `nn.GELU(approximate='none'|'tanh')`.
public final class GELU: Module {
  /// How GELU is computed: the exact erf form or the tanh approximation.
  public enum Approximation: String, Sendable, CaseIterable {
    /// `x · Φ(x)` with the error function (`'none'`).
    case none
    /// `0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³)))` (`'tanh'`).
    case tanh
  }
  /// The formula used.
  public let approximate: Approximation
  /// Creates the layer.
  public init(approximate: Approximation = .none) {
    self.approximate = approximate
    super.init(typeName: "GELU")
  }
  /// `F.gelu(x, approximate)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.gelu(approximate: approximate)
  }
}

/// `nn.Softmax(dim)`: a softmax along one dimension.
public final class Softmax: Module {
  /// The dimension (negative counts from the end); nil is PyTorch's legacy implicit choice.
  public let dim: Int?
  /// Creates the layer.
  public init(dim: Int?) {
    self.dim = dim
    super.init(typeName: "Softmax")
  }
  /// `F.softmax(x, dim)`; without a dim, PyTorch's legacy choice (`_get_softmax_dim`): 0 for
  /// 0-, 1- and 3-d input, 1 otherwise.
  public override func forward(_ input: Variable) throws -> Variable {
    let rank = input.shape.count
    return try input.softmax(dim: dim ?? ([0, 1, 3].contains(rank) ? 0 : 1))
  }
}

/// `nn.Identity()`: returns its input (PyTorch accepts and ignores any arguments).
public final class Identity: Module {
  /// Creates the layer.
  public init() { super.init(typeName: "Identity") }
  /// The input itself.
  public override func forward(_ input: Variable) throws -> Variable { input }
}
