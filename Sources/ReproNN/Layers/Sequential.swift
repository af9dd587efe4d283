import ReproTensor

/// `nn.Sequential`: children named `0`, `1`, … applied in order.
public final class Sequential: Module {
  /// Creates the container with `layers` as children `0`, `1`, ….
  public init(_ layers: [Module]) {
    super.init(typeName: "Sequential")
    for (i, layer) in layers.enumerated() { registerChild(String(i), layer) }
  }

  /// The layers in order.
  public var layers: [Module] { namedChildren.map(\.module) }

  /// Each layer's forward applied to the previous output.
  public override func forward(_ input: Variable) throws -> Variable {
    var x = input
    for (_, layer) in namedChildren { x = try layer.forward(x) }
    return x
  }
}
