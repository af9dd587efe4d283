public import ReproTensor

/// One recorded operation of the autograd graph: the nodes of its differentiable inputs and
/// the closure that maps the output gradient to the input gradients (PyTorch's `grad_fn`).
///
/// A leaf node stands for a `Parameter`: the gradient that reaches it is accumulated into
/// `Parameter.grad`. The closure, and the tensors it saved, are released once it has run,
/// as PyTorch frees saved tensors after `backward()` without `retain_graph`.
public final class GradNode {
  /// The closure's signature: the output gradient and which inputs need a gradient, to one
  /// gradient (or nil) per input.
  public typealias Backward = (_ gradOutput: Tensor, _ needs: [Bool]) throws ->
    [Tensor?]

  /// The operation's name, PyTorch style (`AddmmBackward0` → `linear`).
  public let name: String
  /// The nodes of the inputs, nil for inputs that need no gradient.
  let inputs: [GradNode?]
  /// The dtype of each input: an input gradient is cast to it, as PyTorch's engine does
  /// (`validate_outputs`), so a float32 gradient reaching a bfloat16 output becomes bfloat16.
  let inputDTypes: [DType]
  /// The gradient function; nil for leaves and after it has run.
  var backward: Backward?
  /// The parameter a leaf accumulates into.
  let parameter: Parameter?

  init(name: String, inputs: [GradNode?], inputDTypes: [DType], backward: @escaping Backward) {
    self.name = name
    self.inputs = inputs
    self.inputDTypes = inputDTypes
    self.backward = backward
    self.parameter = nil
  }

  init(leaf parameter: Parameter) {
    self.name = "AccumulateGrad"
    self.inputs = []
    self.inputDTypes = []
    self.backward = nil
    self.parameter = parameter
  }
}
