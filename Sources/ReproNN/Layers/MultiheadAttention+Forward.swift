public import ReproTensor

extension MultiheadAttention {
  /// The attention output alone: `mha(query, key, value, attn_mask, is_causal,
  /// need_weights=False)[0]`.
  ///
  /// Inputs are `(L, N, E)` (`(N, L, E)` with `batch_first`) or unbatched
  /// `(L, E)`.
  ///
  /// - Parameters:
  ///   - attnMask: an additive float mask `(L, S)` (PyTorch's float `attn_mask`).
  ///   - isCausal: adds the causal mask (−inf above the diagonal).
  /// - Throws: `NNError` `.unsupported` for attention dropout in training and for
  ///   `add_bias_kv`/`add_zero_attn` (their forward is not implemented); shape errors.
  public func attention(
    query: Variable, key: Variable, value: Variable, attnMask: Tensor? = nil,
    isCausal: Bool = false
  ) throws -> Variable {
    if isTraining && dropout > 0 {
      throw NNError(
        .unsupported,
        "MultiheadAttention: attention dropout in training is not implemented (use eval() or dropout=0.0)"
      )
    }
    if parameter("bias_k") != nil || addZeroAttn {
      throw NNError(
        .unsupported, "MultiheadAttention: add_bias_kv and add_zero_attn have no forward here")
    }
    let unbatched = query.shape.count == 2
    func sequenceFirst(_ v: Variable) throws -> Variable {
      if unbatched { return try v.reshaped([v.shape[0], 1, v.shape[1]]) }
      return batchFirst ? try v.transposed(0, 1) : v
    }
    let (q0, k0, v0) = (try sequenceFirst(query), try sequenceFirst(key), try sequenceFirst(value))
    let e = embedDim
    let bias = parameter("in_proj_bias").map { Variable($0) }
    func projection(_ i: Int, _ x: Variable, _ separate: String) throws -> Variable {
      let w: Variable
      if let packed = parameter("in_proj_weight") {
        w = try Variable(packed).sliced(dim: 0, start: i * e, end: (i + 1) * e)
      } else {
        guard let p = parameter(separate) else {
          throw NNError(.invalidArgument, "MultiheadAttention has no \(separate)")
        }
        w = Variable(p)
      }
      let b = try bias.map { try $0.sliced(dim: 0, start: i * e, end: (i + 1) * e) }
      return try Variable.linear(x, weight: w, bias: b)
    }
    let (l, n, s) = (q0.shape[0], q0.shape[1], k0.shape[0])
    let hd = e / numHeads
    func heads(_ x: Variable, _ length: Int) throws -> Variable {
      try x.reshaped([length, n * numHeads, hd]).transposed(0, 1)
    }
    let q = try heads(try projection(0, q0, "q_proj_weight"), l)
    let k = try heads(try projection(1, k0, "k_proj_weight"), s)
    let v = try heads(try projection(2, v0, "v_proj_weight"), s)
    let attended = try Variable.scaledDotProductAttention(
      q, k, v, isCausal: isCausal, additiveMask: attnMask)
    let merged = try attended.transposed(0, 1).reshaped([l, n, e])
    var out = try outProj(merged)
    if unbatched { return try out.reshaped([l, e]) }
    if batchFirst { out = try out.transposed(0, 1) }
    return out
  }

}

extension TransformerActivation {
  func apply(_ x: Variable) throws -> Variable {
    switch self {
    case .relu: try x.relu()
    case .gelu: try x.gelu()
    case .module(let m): try m(x)
    }
  }
}

extension TransformerEncoderLayer {
  /// `layer(src, src_mask, is_causal=…)`: post-norm `norm2(x + ff(norm1(x + sa(x))))` or, with
  /// `norm_first`, `x + sa(norm1(x))` then `x + ff(norm2(x))`.
  public func forward(_ src: Variable, mask: Tensor? = nil, isCausal: Bool = false) throws
    -> Variable
  {
    let m = TransformerModules(self)
    func sa(_ x: Variable) throws -> Variable {
      try m.dropout(1).forward(
        try m.attention("self_attn").attention(
          query: x, key: x, value: x, attnMask: mask, isCausal: isCausal))
    }
    var x = src
    if normFirst {
      x = try x.add(try sa(try m.norm(1)(x)))
      x = try x.add(try m.feedForward(try m.norm(2)(x), activation, dropoutIndex: 2))
    } else {
      x = try m.norm(1)(try x.add(try sa(x)))
      x = try m.norm(2)(try x.add(try m.feedForward(x, activation, dropoutIndex: 2)))
    }
    return x
  }

}

extension TransformerDecoderLayer {
  /// `layer(tgt, memory, tgt_is_causal=…)`: self-attention, cross-attention over `memory`,
  /// feed-forward, each with dropout, residual and layer norm (pre- or post-norm).
  public func forward(_ tgt: Variable, memory: Variable, tgtIsCausal: Bool = false) throws
    -> Variable
  {
    let m = TransformerModules(self)
    func sa(_ x: Variable) throws -> Variable {
      try m.dropout(1).forward(
        try m.attention("self_attn").attention(query: x, key: x, value: x, isCausal: tgtIsCausal))
    }
    func mha(_ x: Variable) throws -> Variable {
      try m.dropout(2).forward(
        try m.attention("multihead_attn").attention(query: x, key: memory, value: memory))
    }
    var x = tgt
    if normFirst {
      x = try x.add(try sa(try m.norm(1)(x)))
      x = try x.add(try mha(try m.norm(2)(x)))
      x = try x.add(try m.feedForward(try m.norm(3)(x), activation, dropoutIndex: 3))
    } else {
      x = try m.norm(1)(try x.add(try sa(x)))
      x = try m.norm(2)(try x.add(try mha(x)))
      x = try m.norm(3)(try x.add(try m.feedForward(x, activation, dropoutIndex: 3)))
    }
    return x
  }
}

/// The named children of a transformer layer, looked up once per forward.
private struct TransformerModules {
  let layer: Module

  init(_ layer: Module) { self.layer = layer }

  func child(_ name: String) throws -> Module {
    guard let m = layer.child(name) else {
      throw NNError(.invalidArgument, "\(layer.typeName) has no submodule \(name)")
    }
    return m
  }
  func attention(_ name: String) throws -> MultiheadAttention {
    guard let m = try child(name) as? MultiheadAttention else {
      throw NNError(.invalidArgument, "\(layer.typeName).\(name) is not a MultiheadAttention")
    }
    return m
  }
  func norm(_ i: Int) throws -> Module { try child("norm\(i)") }
  func dropout(_ i: Int) throws -> Module { try child("dropout\(i)") }

  /// `dropoutN(linear2(dropout(activation(linear1(x)))))`.
  func feedForward(_ x: Variable, _ activation: TransformerActivation, dropoutIndex: Int) throws
    -> Variable
  {
    let hidden = try child("dropout")(try activation.apply(try child("linear1")(x)))
    return try dropout(dropoutIndex)(try child("linear2")(hidden))
  }
}
