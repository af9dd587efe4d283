public import ReproTensor

extension Variable {
  /// Computes the gradient of this variable with respect to every parameter it depends on and
  /// adds it to `Parameter.grad` (`tensor.backward()`).
  ///
  /// - Parameter gradient: the gradient of the final objective with respect to this variable;
  ///   nil means 1, allowed only for a single-element variable (a loss), as in PyTorch.
  /// - Throws: `NNError` `.invalidArgument` when no gradient flows from this variable or
  ///   `gradient` is nil for a non-scalar, `.shapeMismatch` for a gradient of the wrong shape,
  ///   `.invalidOrder` when a graph is walked a second time (its saved tensors were freed), or
  ///   the `TensorError` of a backward kernel.
  public func backward(gradient: Tensor? = nil) throws {
    guard let root = node else {
      throw NNError(
        .invalidArgument, "element 0 of tensors does not require grad and does not have a grad_fn")
    }
    let seed: Tensor
    if let gradient {
      guard gradient.shape == value.shape else {
        throw NNError(
          .shapeMismatch,
          "backward: gradient has shape \(gradient.shape) but the output has \(value.shape)")
      }
      seed = gradient
    } else {
      guard value.count == 1 else {
        throw NNError(
          .invalidArgument,
          "grad can be implicitly created only for scalar outputs, got shape \(value.shape)")
      }
      seed = Tensor([1.0], shape: value.shape).to(value.dtype)
    }
    let order = Variable.topologicalOrder(from: root)
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
    var leafGrads: [(Parameter, Tensor)] = []
    var leafIndex: [ObjectIdentifier: Int] = [:]
    for node in order {
      guard let g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
      if let p = node.parameter {
        let key = ObjectIdentifier(p)
        if let i = leafIndex[key] {
          leafGrads[i].1 = try leafGrads[i].1.add(g)
        } else {
          leafIndex[key] = leafGrads.count
          leafGrads.append((p, g))
        }
        continue
      }
      guard let backward = node.backward else {
        throw NNError(
          .invalidOrder,
          "Trying to backward through the graph a second time (\(node.name)): saved tensors were already freed"
        )
      }
      node.backward = nil
      let needs = node.inputs.map { $0 != nil }
      let inputGrads = try backward(g, needs)
      for (i, (input, ig)) in zip(node.inputs, inputGrads).enumerated() {
        guard let input, var ig else { continue }
        if ig.dtype != node.inputDTypes[i] { ig = ig.to(node.inputDTypes[i]) }
        let key = ObjectIdentifier(input)
        grads[key] = try grads[key].map { (old) throws in try old.add(ig) } ?? ig
      }
    }
    for (p, g) in leafGrads {
      let cast = g.dtype == p.value.dtype ? g : g.to(p.value.dtype)
      // The first gradient is copied so that no two parameters (or a parameter and an
      // intermediate) share gradient storage, as PyTorch's AccumulateGrad clones when needed.
      p.grad = try p.grad.map { (old) throws in try old.add(cast) } ?? cast.copied()
    }
  }

  /// Nodes reachable from `root`, each after every node that consumes it (reverse post-order
  /// of an iterative depth-first search).
  static func topologicalOrder(from root: GradNode) -> [GradNode] {
    var visited = Set<ObjectIdentifier>()
    var post: [GradNode] = []
    var stack: [(GradNode, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
      if next < node.inputs.count {
        stack.append((node, next + 1))
        if let child = node.inputs[next], visited.insert(ObjectIdentifier(child)).inserted {
          stack.append((child, 0))
        }
      } else {
        post.append(node)
      }
    }
    return post.reversed()
  }
}
