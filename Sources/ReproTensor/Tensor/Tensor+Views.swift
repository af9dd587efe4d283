/// Views that share storage: view/reshape, transpose/permute, slice, select, expand, squeeze.
extension Tensor {
  func withGeometry(shape: [Int], strides: [Int], storageOffset: Int) -> Tensor {
    Tensor(
      unchecked: storage, dtype: dtype, shape: shape, strides: strides,
      storageOffset: storageOffset, device: device, requiresGrad: requiresGrad)
  }

  /// Resolves a single `-1` in a requested shape against `count` elements.
  static func inferShape(_ requested: [Int], count: Int) throws(TensorError) -> [Int] {
    var shape = requested
    let inferred = requested.indices.filter { requested[$0] == -1 }
    guard inferred.count <= 1 else {
      throw TensorError(.invalidShape, "only one dimension can be inferred in \(requested)")
    }
    if let bad = requested.first(where: { $0 < -1 }) {
      throw TensorError(.invalidShape, "invalid shape dimension \(bad) in \(requested)")
    }
    let known = requested.filter { $0 != -1 }.reduce(1, *)
    if let i = inferred.first {
      guard known != 0, count % known == 0 else {
        throw TensorError(
          .shapeMismatch, "shape '\(requested)' is invalid for input of size \(count)")
      }
      shape[i] = count / known
    } else if known != count {
      throw TensorError(
        .shapeMismatch, "shape '\(requested)' is invalid for input of size \(count)")
    }
    return shape
  }

  /// A view with a new shape over the same storage (`view`); one dimension may be `-1`.
  ///
  /// - Throws: `.shapeMismatch` if the element counts differ, `.invalidView` if the strides of
  ///   this tensor make the view impossible without a copy (use `reshaped`).
  public func view(_ newShape: [Int]) throws(TensorError) -> Tensor {
    let shape = try Tensor.inferShape(newShape, count: count)
    guard
      let strides = Tensor.viewStrides(
        oldShape: self.shape, oldStrides: self.strides, newShape: shape)
    else {
      throw TensorError(
        .invalidView,
        "view size \(shape) is not compatible with input tensor's size \(self.shape) and stride \(self.strides); use reshape instead"
      )
    }
    return withGeometry(shape: shape, strides: strides, storageOffset: storageOffset)
  }

  /// A view when the strides allow one, otherwise a contiguous copy (`reshape`).
  public func reshaped(_ newShape: [Int]) throws(TensorError) -> Tensor {
    let shape = try Tensor.inferShape(newShape, count: count)
    if let strides = Tensor.viewStrides(
      oldShape: self.shape, oldStrides: self.strides, newShape: shape)
    {
      return withGeometry(shape: shape, strides: strides, storageOffset: storageOffset)
    }
    return contiguous().withGeometry(
      shape: shape, strides: Tensor.contiguousStrides(for: shape), storageOffset: 0)
  }

  /// PyTorch's `computeStride`: strides for viewing (oldShape, oldStrides) as newShape, or nil.
  static func viewStrides(oldShape: [Int], oldStrides: [Int], newShape: [Int]) -> [Int]? {
    let numel = oldShape.reduce(1, *)
    if numel == 0 {
      return oldShape == newShape ? oldStrides : contiguousStrides(for: newShape)
    }
    var newStrides = [Int](repeating: 0, count: newShape.count)
    if oldShape.isEmpty {
      return newShape.map { _ in 1 }
    }
    var viewD = newShape.count - 1
    guard var chunkBaseStride = oldStrides.last else { return nil }
    var tensorNumel = 1
    var viewNumel = 1
    for tensorD in stride(from: oldShape.count - 1, through: 0, by: -1) {
      tensorNumel *= oldShape[tensorD]
      if tensorD == 0
        || (oldShape[tensorD - 1] != 1 && oldStrides[tensorD - 1] != tensorNumel * chunkBaseStride)
      {
        while viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
          newStrides[viewD] = viewNumel * chunkBaseStride
          viewNumel *= newShape[viewD]
          viewD -= 1
        }
        if viewNumel != tensorNumel { return nil }
        if tensorD > 0 {
          chunkBaseStride = oldStrides[tensorD - 1]
          tensorNumel = 1
          viewNumel = 1
        }
      }
    }
    return viewD == -1 ? newStrides : nil
  }

  func normalizedDim(_ dim: Int, rank r: Int? = nil) throws(TensorError) -> Int {
    let r = r ?? rank
    let lo = -Swift.max(r, 1)
    let hi = Swift.max(r, 1) - 1
    guard dim >= lo && dim <= hi else {
      throw TensorError(
        .outOfBounds,
        "Dimension out of range (expected to be in range of [\(lo), \(hi)], but got \(dim))")
    }
    return dim < 0 ? dim + Swift.max(r, 1) : dim
  }

  /// Swaps two dimensions (`transpose`); negative dims count from the end.
  public func transposed(_ dim0: Int, _ dim1: Int) throws(TensorError) -> Tensor {
    if rank == 0 { return self }
    let a = try normalizedDim(dim0)
    let b = try normalizedDim(dim1)
    var shape = self.shape
    var strides = self.strides
    shape.swapAt(a, b)
    strides.swapAt(a, b)
    return withGeometry(shape: shape, strides: strides, storageOffset: storageOffset)
  }

  /// Reorders dimensions (`permute`).
  ///
  /// - Throws: `.invalidArgument` unless `dims` is a permutation of `0..<rank`.
  public func permuted(_ dims: [Int]) throws(TensorError) -> Tensor {
    guard dims.count == rank else {
      throw TensorError(
        .invalidArgument, "permute: number of dims \(dims.count) doesn't match tensor rank \(rank)")
    }
    var seen = Set<Int>()
    var norm: [Int] = []
    for d in dims {
      let n = try normalizedDim(d)
      guard seen.insert(n).inserted else {
        throw TensorError(.invalidArgument, "permute: repeated dim \(d) in \(dims)")
      }
      norm.append(n)
    }
    return withGeometry(
      shape: norm.map { shape[$0] }, strides: norm.map { strides[$0] }, storageOffset: storageOffset
    )
  }

  /// Elements `start..<end` stepping by `step` along `dim` (`t[..., start:end:step]`); bounds are
  /// clamped as in Python slicing, negative bounds count from the end.
  ///
  /// - Throws: `.invalidArgument` when `step <= 0` (PyTorch has no negative steps).
  public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws(TensorError)
    -> Tensor
  {
    guard rank > 0 else {
      throw TensorError(.invalidArgument, "slice() cannot be applied to a 0-dim tensor")
    }
    guard step > 0 else {
      throw TensorError(.invalidArgument, "slice step must be positive, got \(step)")
    }
    let d = try normalizedDim(dim)
    let n = shape[d]
    func clamp(_ v: Int?, _ dflt: Int) -> Int {
      guard var v else { return dflt }
      if v < 0 { v += n }
      return Swift.min(Swift.max(v, 0), n)
    }
    let s = clamp(start, 0)
    let e = Swift.max(clamp(end, n), s)
    var shape = self.shape
    var strides = self.strides
    shape[d] = (e - s + step - 1) / step
    strides[d] *= step
    let offset = storageOffset + (shape[d] > 0 ? s * self.strides[d] : 0)
    return withGeometry(shape: shape, strides: strides, storageOffset: offset)
  }

  /// Removes `dim` by taking index `index` along it (`select`, `t[i]`).
  public func select(dim: Int, index: Int) throws(TensorError) -> Tensor {
    guard rank > 0 else {
      throw TensorError(.invalidArgument, "select() cannot be applied to a 0-dim tensor")
    }
    let d = try normalizedDim(dim)
    let n = shape[d]
    let i = index < 0 ? index + n : index
    guard i >= 0 && i < n else {
      throw TensorError(
        .outOfBounds,
        "select(): index \(index) out of range for tensor of size \(shape) at dimension \(dim)")
    }
    var shape = self.shape
    var strides = self.strides
    shape.remove(at: d)
    strides.remove(at: d)
    return withGeometry(
      shape: shape, strides: strides, storageOffset: storageOffset + i * self.strides[d])
  }

  /// Broadcasts size-1 dimensions to `newShape` with stride 0 (`expand`); `-1` keeps a size.
  public func expanded(to newShape: [Int]) throws(TensorError) -> Tensor {
    guard newShape.count >= rank else {
      throw TensorError(
        .shapeMismatch,
        "expand: the number of sizes provided (\(newShape.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))"
      )
    }
    let lead = newShape.count - rank
    var shape = [Int]()
    var strides = [Int]()
    for (i, want) in newShape.enumerated() {
      if i < lead {
        guard want >= 0 else {
          throw TensorError(
            .shapeMismatch, "expand: -1 not allowed in leading, non-existing dimension \(i)")
        }
        shape.append(want)
        strides.append(0)
        continue
      }
      let have = self.shape[i - lead]
      let st = self.strides[i - lead]
      if want == -1 || want == have {
        shape.append(have)
        strides.append(st)
      } else if have == 1 {
        shape.append(want)
        strides.append(0)
      } else {
        throw TensorError(
          .shapeMismatch,
          "The expanded size of the tensor (\(want)) must match the existing size (\(have)) at non-singleton dimension \(i).  Target sizes: \(newShape).  Tensor sizes: \(self.shape)"
        )
      }
    }
    return withGeometry(shape: shape, strides: strides, storageOffset: storageOffset)
  }

  /// Inserts a dimension of size 1 (`unsqueeze`).
  public func unsqueezed(_ dim: Int) throws(TensorError) -> Tensor {
    let d = try normalizedDim(dim, rank: rank + 1)
    var shape = self.shape
    var strides = self.strides
    let st = d < rank ? self.shape[d] * self.strides[d] : 1
    shape.insert(1, at: d)
    strides.insert(st, at: d)
    return withGeometry(shape: shape, strides: strides, storageOffset: storageOffset)
  }

  /// Removes every dimension of size 1 (`squeeze`), or only `dim` if given and of size 1.
  public func squeezed(_ dim: Int? = nil) throws(TensorError) -> Tensor {
    var shape = [Int]()
    var strides = [Int]()
    let only = try dim.map { (d: Int) throws(TensorError) -> Int in try normalizedDim(d) }
    for i in 0..<rank where !(self.shape[i] == 1 && (only == nil || only == i)) {
      shape.append(self.shape[i])
      strides.append(self.strides[i])
    }
    return withGeometry(shape: shape, strides: strides, storageOffset: storageOffset)
  }

  /// A tensor with the same values laid out row-major in a new storage, or `self` if it already
  /// is (`contiguous()`).
  public func contiguous() -> Tensor {
    if isContiguous { return self }
    return copied()
  }

  /// A contiguous copy in a new storage, always (`clone()` of a dense tensor).
  public func copied() -> Tensor {
    let bytes = contiguousBytes()
    return Tensor(
      unchecked: Storage(bytes: bytes), dtype: dtype, shape: shape,
      strides: Tensor.contiguousStrides(for: shape), storageOffset: 0, device: device,
      requiresGrad: requiresGrad)
  }

  /// The same tensor with another device tag (no data moves: all compute is on the CPU).
  public func tagged(_ device: Device) -> Tensor {
    var t = self
    t.device = device
    return t
  }
}
