public import ReproTensor

/// Shape operations: reshape, flatten, dtype casts.
extension Variable {
  /// The same elements with a new shape (`reshape`); the gradient is reshaped back.
  public func reshaped(_ newShape: [Int]) throws -> Variable {
    let inShape = shape
    return Variable.record(try value.reshaped(newShape), name: "ViewBackward0", inputs: [self]) {
      (g, _) throws in
      [try g.reshaped(inShape)]
    }
  }

  /// Flattens dims `startDim...endDim` into one (`torch.flatten`).
  ///
  /// - Throws: `NNError` `.outOfBounds` for dims outside the rank or `startDim > endDim`.
  public func flattened(startDim: Int = 0, endDim: Int = -1) throws -> Variable {
    let r = Swift.max(shape.count, 1)
    let s = startDim < 0 ? startDim + r : startDim
    let e = endDim < 0 ? endDim + r : endDim
    guard s >= 0, e < r, s <= e else {
      throw NNError(
        .outOfBounds,
        "flatten: start_dim \(startDim) and end_dim \(endDim) do not fit a \(shape.count)-D tensor")
    }
    if shape.isEmpty { return try reshaped([1]) }
    let merged = shape[s...e].reduce(1, *)
    return try reshaped(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
  }

  /// The value cast to `dtype` (`tensor.to(dtype)`).
  ///
  /// The gradient is cast back to the input's dtype (`ToCopyBackward0`). Casting to the same
  /// dtype returns `self`.
  public func to(_ dtype: DType) -> Variable {
    if dtype == self.dtype { return self }
    let from = self.dtype
    return Variable.record(value.to(dtype), name: "ToCopyBackward0", inputs: [self]) { g, _ in
      [g.to(from)]
    }
  }
}
