import ReproTensor

/// `nn.Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: Module {
  /// First dim to flatten.
  public let startDim: Int
  /// Last dim to flatten.
  public let endDim: Int
  /// Creates the layer.
  public init(startDim: Int = 1, endDim: Int = -1) {
    self.startDim = startDim
    self.endDim = endDim
    super.init(typeName: "Flatten")
  }

  /// `torch.flatten(x, startDim, endDim)`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.flattened(startDim: startDim, endDim: endDim)
  }
}
