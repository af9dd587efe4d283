import ReproTensor

/// Matrix products: `matmul` of two matrices and `linear` (`F.linear`).
extension Variable {
  /// The product of two 2-D variables (`torch.mm`): gradients `g·bᵀ` and `aᵀ·g`; inside an
  /// `Autocast` scope both operands are cast to the scope's dtype first.
  ///
  /// - Throws: `NNError` `.shapeMismatch` unless both are 2-D with matching inner sizes, plus the errors
  ///   of `Tensor.matmul`.
  public func matmul(_ other: Variable) throws -> Variable {
    try Autocast.lowerPrecision(self).product(Autocast.lowerPrecision(other))
  }

  private func product(_ other: Variable) throws -> Variable {
    guard shape.count == 2, other.shape.count == 2 else {
      throw NNError(
        .shapeMismatch, "Variable.matmul supports 2-D operands, got \(shape) and \(other.shape)")
    }
    let (a, b) = (value, other.value)
    return Variable.record(try a.matmul(b), name: "MmBackward0", inputs: [self, other]) {
      (g, needs) throws in
      [
        needs[0] ? try g.matmul(b.transposed(0, 1)) : nil,
        needs[1] ? try a.transposed(0, 1).matmul(g) : nil,
      ]
    }
  }

  /// `input · weightᵀ + bias` over the last dim of `input` [..., in] (`F.linear`), weight
  /// [out, in], bias [out].
  ///
  /// Gradients: input `g·W`, weight `gᵀ·x` over the flattened leading dims, bias the sum of
  /// `g` over them (as PyTorch's `addmm` backward).
  /// - Throws: the errors of `Tensor.linear`.
  public static func linear(_ input: Variable, weight: Variable, bias: Variable? = nil)
    throws -> Variable
  {
    let x = input.value
    let w = weight.value
    let y: Tensor
    if let b = bias?.value, x.rank == 2, x.dtype == .float16 || x.dtype == .bfloat16,
      w.dtype == x.dtype, b.dtype == x.dtype
    {
      // PyTorch's addmm adds the bias to the float32 accumulator and rounds once; rounding the
      // product first and again after the bias could even flip the sign of a near-zero output.
      y = try Tensor.linear(x.to(.float32), weight: w.to(.float32), bias: b.to(.float32)).to(
        x.dtype)
    } else {
      y = try Tensor.linear(x, weight: w, bias: bias?.value)
    }
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Variable.record(y, name: "AddmmBackward0", inputs: inputs) {
      (g, needs) throws in
      let outFeatures = w.shape[0]
      let inFeatures = w.shape[1]
      let g2 = try g.reshaped([-1, outFeatures])
      var grads: [Tensor?] = [
        needs[0] ? try g2.matmul(w).reshaped(x.shape) : nil,
        needs[1] ? try g2.transposed(0, 1).matmul(x.reshaped([-1, inFeatures])) : nil,
      ]
      if needs.count > 2 { grads.append(needs[2] ? try g2.sum(dims: [0]) : nil) }
      return grads
    }
  }
}
