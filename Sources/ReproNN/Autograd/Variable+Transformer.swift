import Foundation
public import ReproTensor

/// The operations transformers need, with PyTorch's backward formulas: batched matmul,
/// transpose, slicing, softmax, GELU, layer norm and embedding lookup.
extension Variable {
  /// The batched product `self · other` of [..., m, k] and [..., k, n] with equal batch dims
  /// (`torch.matmul`/`bmm`); gradients `g·bᵀ` and `aᵀ·g`.
  ///
  /// - Throws: `NNError` `.shapeMismatch` unless both are ≥ 2-D with equal batch dims, and the
  ///   errors of `Tensor.matmul`.
  public func batchedMatmul(_ other: Variable) throws -> Variable {
    guard shape.count >= 2, shape.count == other.shape.count,
      shape.dropLast(2) == other.shape.dropLast(2)
    else {
      throw NNError(
        .shapeMismatch,
        "batchedMatmul: expected [..., m, k] and [..., k, n] with equal batch dims, got \(shape) and \(other.shape)"
      )
    }
    let (a, b) = (value, other.value)
    let r = shape.count
    return Variable.record(try a.matmul(b), name: "BmmBackward0", inputs: [self, other]) {
      (g, needs) throws in
      [
        needs[0] ? try g.matmul(b.transposed(r - 2, r - 1)) : nil,
        needs[1] ? try a.transposed(r - 2, r - 1).matmul(g) : nil,
      ]
    }
  }

  /// Dims `d0` and `d1` swapped (`transpose`); the gradient is swapped back.
  public func transposed(_ d0: Int, _ d1: Int) throws -> Variable {
    Variable.record(try value.transposed(d0, d1), name: "TransposeBackward0", inputs: [self]) {
      (g, _) throws in [try g.transposed(d0, d1)]
    }
  }

  /// Elements `start..<end` along `dim` (`x[..., start:end]`, what `split` returns); the
  /// gradient is `g` placed in zeros of the input's shape.
  public func sliced(dim: Int, start: Int, end: Int) throws -> Variable {
    let inShape = shape
    let d = dim < 0 ? dim + shape.count : dim
    return Variable.record(
      try value.slice(dim: d, start: start, end: end).contiguous(), name: "SliceBackward0",
      inputs: [self]
    ) { (g, _) throws in
      let outer = inShape[..<d].reduce(1, *)
      let inner = inShape[(d + 1)...].reduce(1, *)
      let width = end - start
      let gd = g.contiguous().doubles()
      var out = [Double](repeating: 0, count: inShape.reduce(1, *))
      for o in 0..<outer {
        for j in 0..<width {
          let src = (o * width + j) * inner
          let dst = (o * inShape[d] + start + j) * inner
          for i in 0..<inner { out[dst + i] = gd[src + i] }
        }
      }
      return [Tensor(out, shape: inShape).to(g.dtype)]
    }
  }

  /// `softmax(x, dim)`: `exp(x − max) / Σ exp(x − max)` along `dim`, computed in float64 for
  /// float64 and float32 otherwise, rounded once; gradient `y · (g − Σ g·y)` (`_softmax_backward_data`).
  public func softmax(dim: Int) throws -> Variable {
    let d = dim < 0 ? dim + shape.count : dim
    guard d >= 0 && d < Swift.max(shape.count, 1) else {
      throw NNError(
        .outOfBounds,
        "Dimension out of range (expected to be in range of [\(-shape.count), \(shape.count - 1)], but got \(dim))"
      )
    }
    let compute: DType = dtype == .float64 ? .float64 : .float32
    let x = value.to(compute)
    let shifted = try x.sub(try x.max(dim: d, keepdim: true).values)
    let e = try shifted.exp()
    let y = try e.div(try e.sum(dims: [d], keepdim: true))
    let out = y.to(dtype)
    return Variable.record(out, name: "SoftmaxBackward0", inputs: [self]) { (g, _) throws in
      let gc = g.to(compute)
      let yc = out.to(compute)
      return [try yc.mul(try gc.sub(try gc.mul(yc).sum(dims: [d], keepdim: true))).to(g.dtype)]
    }
  }

  /// `F.gelu(x, approximate)`: `x·Φ(x)` with erf, or the tanh approximation; computed in
  /// float64 and rounded once; the gradient is PyTorch's `gelu_backward` formula.
  public func gelu(approximate: GELU.Approximation = .none) throws -> Variable {
    guard dtype.isFloatingPoint else {
      throw NNError(.unsupportedDType, "gelu: expected a floating tensor, got \(dtype.pytorchName)")
    }
    let xs = value.contiguous().doubles()
    let shape = self.shape
    let dtype = self.dtype
    let kBeta = (2 / Double.pi).squareRoot()
    let kKappa = 0.044715
    let y: [Double] =
      switch approximate {
      case .none: xs.map { $0 * 0.5 * (1 + Foundation.erf($0 * 0.5.squareRoot())) }
      case .tanh:
        xs.map { x in 0.5 * x * (1 + Foundation.tanh(kBeta * (x + kKappa * x * x * x))) }
      }
    return Variable.record(Tensor(y, shape: shape).to(dtype), name: "GeluBackward0", inputs: [self])
    { (g, _) throws in
      let gs = g.contiguous().doubles()
      var d = [Double](repeating: 0, count: xs.count)
      for (i, x) in xs.enumerated() {
        switch approximate {
        case .none:
          let cdf = 0.5 * (1 + Foundation.erf(x * 0.5.squareRoot()))
          let pdf = Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
          d[i] = gs[i] * (cdf + x * pdf)
        case .tanh:
          let inner = kBeta * (x + kKappa * x * x * x)
          let t = Foundation.tanh(inner)
          let dInner = kBeta * (1 + 3 * kKappa * x * x)
          d[i] = gs[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner)
        }
      }
      return [Tensor(d, shape: shape).to(g.dtype)]
    }
  }

  /// `F.layer_norm(x, normalizedShape, weight, bias, eps)` over the trailing
  /// `normalizedCount` dims: `(x − mean) / sqrt(var + eps) · weight + bias` with the biased
  /// variance, composed of tracked ops so gradients flow to `x`, `weight` and `bias`.
  public func layerNorm(
    normalizedCount: Int, weight: Variable?, bias: Variable?, eps: Double
  ) throws -> Variable {
    guard normalizedCount <= shape.count else {
      throw NNError(
        .shapeMismatch, "layer_norm: normalized shape has more dims than the input \(shape)")
    }
    let dims = Array((shape.count - normalizedCount)..<shape.count)
    let centred = try sub(try mean(dims: dims, keepdim: true))
    let variance = try centred.mul(centred).mean(dims: dims, keepdim: true)
    var y = try centred.mul(try variance.add(eps).pow(-0.5))
    if let weight { y = try y.mul(weight) }
    if let bias { y = try y.add(bias) }
    return y
  }

  /// Rows of `weight` [num, dim] picked by the integer `indices` (`F.embedding`).
  ///
  /// The result is `indices.shape + [dim]`. The weight's gradient sums `g` into the picked rows, except the
  /// `paddingIdx` row, which gets none (`embedding_dense_backward`).
  ///
  /// - Throws: `NNError` `.unsupportedDType` for non-integer indices, `.outOfBounds` for an
  ///   index outside `0..<num` (PyTorch's "index out of range in self").
  public static func embedding(_ indices: Tensor, weight: Variable, paddingIdx: Int? = nil)
    throws -> Variable
  {
    guard indices.dtype.isInteger else {
      throw NNError(
        .unsupportedDType,
        "embedding: expected integer indices (Long or Int), got \(indices.dtype.pytorchName)")
    }
    let (num, dim) = (weight.shape[0], weight.shape[1])
    let ids = indices.contiguous().doubles().map { Int($0) }
    for (i, id) in ids.enumerated() where id < 0 || id >= num {
      throw NNError(
        .outOfBounds,
        "embedding: index \(id) at position \(i) is out of range in self (\(num) rows)")
    }
    let w = weight.value.contiguous().doubles()
    var out = [Double](repeating: 0, count: ids.count * dim)
    for (i, id) in ids.enumerated() {
      for j in 0..<dim { out[i * dim + j] = w[id * dim + j] }
    }
    let value = Tensor(out, shape: indices.shape + [dim]).to(weight.dtype)
    return Variable.record(value, name: "EmbeddingBackward0", inputs: [weight]) { (g, _) throws in
      let gs = g.to(.float64).contiguous().doubles()
      var d = [Double](repeating: 0, count: num * dim)
      for (i, id) in ids.enumerated() where id != paddingIdx {
        for j in 0..<dim { d[id * dim + j] += gs[i * dim + j] }
      }
      return [Tensor(d, shape: [num, dim]).to(g.dtype)]
    }
  }

  /// `F.scaled_dot_product_attention(q, k, v, is_causal)` for [..., L, E] queries and
  /// [..., S, E] keys/values: `softmax(q·kᵀ / sqrt(E) + mask) · v`, the mask −inf above the
  /// diagonal when `isCausal` (and `additiveMask` added when given).
  public static func scaledDotProductAttention(
    _ q: Variable, _ k: Variable, _ v: Variable, isCausal: Bool, additiveMask: Tensor? = nil
  ) throws -> Variable {
    let r = q.shape.count
    let (l, s, e) = (q.shape[r - 2], k.shape[r - 2], q.shape[r - 1])
    var scores = try q.batchedMatmul(try k.transposed(r - 2, r - 1)).mul(
      1 / Double(e).squareRoot())
    if isCausal {
      var m = [Double](repeating: 0, count: l * s)
      for i in 0..<l { for j in 0..<s where j > i { m[i * s + j] = -.infinity } }
      scores = try scores.add(Variable(Tensor(m, shape: [l, s]).to(scores.dtype)))
    }
    if let additiveMask { scores = try scores.add(Variable(additiveMask.to(scores.dtype))) }
    return try scores.softmax(dim: -1).batchedMatmul(v)
  }
}
