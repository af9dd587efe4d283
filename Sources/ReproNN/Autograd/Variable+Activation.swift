import ReproTensor

/// Activations: relu, tanh, sigmoid, with PyTorch's backward formulas.
extension Variable {
  /// `max(x, 0)` (`torch.relu`); gradient `g` where the output is positive, 0 elsewhere
  /// (`threshold_backward`).
  public func relu() throws -> Variable {
    let y = try value.relu()
    return Variable.record(y, name: "ReluBackward0", inputs: [self]) { (g, _) throws in
      [try Tensor.where(y.gt(0.0), g, Tensor(zeros: [], dtype: g.dtype))]
    }
  }

  /// `tanh(x)`; gradient `g · (1 − y·y)` (`tanh_backward`).
  public func tanh() throws -> Variable {
    let y = try value.tanh()
    return Variable.record(y, name: "TanhBackward0", inputs: [self]) { (g, _) throws in
      [try g.mul(1.0 - y.mul(y))]
    }
  }

  /// `1 / (1 + e^−x)`; gradient `g · (1 − y) · y` (`sigmoid_backward`).
  public func sigmoid() throws -> Variable {
    let y = try value.sigmoid()
    return Variable.record(y, name: "SigmoidBackward0", inputs: [self]) {
      (g, _) throws in
      [try g.mul(1.0 - y).mul(y)]
    }
  }
}
