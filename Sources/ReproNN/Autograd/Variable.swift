public import ReproTensor

/// A tensor tracked by reverse-mode autograd: a plain `Tensor` value plus the graph node that
/// produced it.
///
/// Operations on variables compute with the ReproTensor kernels and, when an input needs a
/// gradient and `GradMode.isEnabled`, record a `GradNode`. `backward()` walks the graph in
/// reverse and accumulates into every reached `Parameter.grad` (PyTorch semantics: gradients
/// add up across calls until `zeroGrad()` sets them to nil).
///
/// ```swift
/// let w = Parameter(try g.randn(shape: [3, 2]))
/// let y = try Variable(x).matmul(Variable(w)).sum()
/// try y.backward()        // w.grad == xᵀ·1
/// ```
public struct Variable {
  /// The computed value.
  public let value: Tensor
  /// The node that computed it; nil when no gradient flows to it.
  public let node: GradNode?

  /// A constant: no gradient flows into it.
  public init(_ value: Tensor) {
    self.value = value
    self.node = nil
  }

  /// A parameter's current value, tracked when the parameter requires grad and grad mode is on.
  public init(_ parameter: Parameter) {
    self.value = parameter.value
    self.node = parameter.requiresGrad && GradMode.isEnabled ? GradNode(leaf: parameter) : nil
  }

  init(value: Tensor, node: GradNode?) {
    self.value = value
    self.node = node
  }

  /// Whether a gradient flows back from this variable.
  public var requiresGrad: Bool { node != nil }
  /// The value's shape.
  public var shape: [Int] { value.shape }
  /// The value's dtype.
  public var dtype: DType { value.dtype }

  /// The result of an operation: `value` with a node recording `backward` when an input needs
  /// a gradient and grad mode is enabled, a constant otherwise.
  public static func record(
    _ value: Tensor, name: String, inputs: [Variable], backward: @escaping GradNode.Backward
  ) -> Variable {
    guard GradMode.isEnabled, inputs.contains(where: { $0.node != nil }) else {
      return Variable(value)
    }
    return Variable(
      value: value,
      node: GradNode(
        name: name, inputs: inputs.map(\.node), inputDTypes: inputs.map(\.dtype), backward: backward
      ))
  }

  /// The same value cut from the graph (`detach()`).
  public func detached() -> Variable { Variable(value) }
}
