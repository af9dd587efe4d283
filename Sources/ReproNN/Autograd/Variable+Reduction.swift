import ReproTensor

extension Variable {
  /// The sum over `dims` (all when nil), as `torch.sum`; the gradient is expanded back.
  public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
    let inShape = shape
    let kept = try Variable.keptShape(inShape, dims: dims)
    return Variable.record(
      try value.sum(dims: dims, keepdim: keepdim), name: "SumBackward0", inputs: [self]
    ) { (g, _) throws in
      [try g.reshaped(kept).expanded(to: inShape).contiguous()]
    }
  }

  /// The mean over `dims` (all when nil), as `torch.mean`; the gradient is
  /// `g.expand(shape) / count` (PyTorch's `mean_backward`).
  public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
    let inShape = shape
    let kept = try Variable.keptShape(inShape, dims: dims)
    let count = inShape.reduce(1, *) / Swift.max(1, kept.reduce(1, *))
    return Variable.record(
      try value.mean(dims: dims, keepdim: keepdim), name: "MeanBackward0", inputs: [self]
    ) { (g, _) throws in
      [try g.reshaped(kept).expanded(to: inShape).div(count)]
    }
  }

  /// The input shape with reduced dims set to 1 (the `keepdim` shape).
  static func keptShape(_ shape: [Int], dims: [Int]?) throws -> [Int] {
    guard let dims, !dims.isEmpty else { return shape.map { _ in 1 } }
    var out = shape
    for d in dims {
      let n = d < 0 ? d + shape.count : d
      guard n >= 0 && n < shape.count else {
        throw NNError(
          .outOfBounds,
          "Dimension out of range (expected to be in range of [\(-shape.count), \(shape.count - 1)], but got \(d))"
        )
      }
      out[n] = 1
    }
    return out
  }
}
