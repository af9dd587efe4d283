public import ReproTensor

/// A trainable tensor owned by a module, with its gradient (`nn.Parameter`).
///
/// A parameter is a reference: a module and an optimizer hold the same object, so an optimizer
/// step is seen by the module. Its `value` is a plain tensor whose storage is replaced, not
/// mutated, when a cast (`half()`) changes the dtype.
public final class Parameter {
  /// The current value.
  public var value: Tensor
  /// The accumulated gradient, or nil before the first backward pass (or after `zeroGrad`).
  public var grad: Tensor?
  /// Whether gradients are computed for this parameter (`requires_grad`).
  public var requiresGrad: Bool

  /// Wraps a tensor as a parameter.
  public init(_ value: Tensor, requiresGrad: Bool = true) {
    self.value = value
    self.requiresGrad = requiresGrad
  }
}
