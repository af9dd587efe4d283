/// PyTorch's broadcasting rules and the strided loop every elementwise kernel runs on.
enum Broadcast {
  /// The broadcast shape of `a` and `b`: shapes are aligned from the right and each pair of
  /// sizes must be equal or contain a 1 (`torch.broadcast_shapes`).
  ///
  /// - Throws: `.shapeMismatch` with PyTorch's message, e.g. "The size of tensor a (3) must
  ///   match the size of tensor b (4) at non-singleton dimension 1".
  static func shape(_ a: [Int], _ b: [Int]) throws(TensorError) -> [Int] {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
      let offset = n - 1 - i
      let da = a.count - 1 - offset
      let db = b.count - 1 - offset
      let sa = da >= 0 ? a[da] : 1
      let sb = db >= 0 ? b[db] : 1
      guard sa == sb || sa == 1 || sb == 1 else {
        throw TensorError(
          .shapeMismatch,
          "The size of tensor a (\(sa)) must match the size of tensor b (\(sb)) at non-singleton dimension \(i)"
        )
      }
      out[i] = sa == 1 ? sb : sa
    }
    return out
  }

  /// The broadcast shape of several shapes, folded left to right.
  static func shape(_ shapes: [[Int]]) throws(TensorError) -> [Int] {
    var out: [Int] = []
    for s in shapes { out = try shape(out, s) }
    return out
  }

  /// Strides that read a tensor of `shape`/`strides` as if expanded to `target` (0 on broadcast
  /// dimensions).
  ///
  /// The caller has checked that `shape` broadcasts to `target`.
  static func strides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
    var out = [Int](repeating: 0, count: target.count)
    let lead = target.count - shape.count
    for i in 0..<shape.count where shape[i] != 1 || target[lead + i] == 1 {
      out[lead + i] = shape[i] == 1 ? 0 : strides[i]
    }
    return out
  }
}

/// A loop over an n-dimensional index space shared by several strided operands, with adjacent
/// dimensions merged when every operand allows it (as PyTorch's TensorIterator coalesces), so
/// contiguous operands become one long row whatever their rank.
struct ElementLoop {
  /// The merged sizes, innermost last; never empty when `count > 0`.
  private(set) var shape: [Int]
  /// For each operand, its merged strides (in elements).
  private(set) var strides: [[Int]]
  /// The total number of elements.
  let count: Int

  /// - Parameters:
  ///   - shape: the logical shape of the iteration.
  ///   - strides: for each operand, its strides over `shape` (0 on broadcast dims).
  init(shape: [Int], strides operandStrides: [[Int]]) {
    count = shape.reduce(1, *)
    var revShape: [Int] = []
    var revStrides = [[Int]](repeating: [], count: operandStrides.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] != 1 {
      if let inner = revShape.last {
        var mergeable = true
        for k in operandStrides.indices
        where operandStrides[k][d] != (revStrides[k].last ?? 0) * inner {
          mergeable = false
          break
        }
        if mergeable {
          revShape[revShape.count - 1] = inner * shape[d]
          continue
        }
      }
      revShape.append(shape[d])
      for k in operandStrides.indices { revStrides[k].append(operandStrides[k][d]) }
    }
    if revShape.isEmpty {
      revShape = [1]
      for k in operandStrides.indices { revStrides[k] = [0] }
    }
    self.shape = revShape.reversed()
    self.strides = revStrides.map { $0.reversed() }
  }

  /// Calls `body(offsets, innerCount, innerStrides)` once per innermost row, where `offsets[k]`
  /// is operand k's element offset (relative to its base) at the start of the row.
  @inline(__always)
  func forEachRow(_ body: (_ offsets: [Int], _ count: Int, _ innerStrides: [Int]) -> Void) {
    if count == 0 { return }
    let rank = shape.count
    let last = rank - 1
    let inner = strides.map { $0[last] }
    var offsets = [Int](repeating: 0, count: strides.count)
    if rank == 1 {
      body(offsets, shape[0], inner)
      return
    }
    var index = [Int](repeating: 0, count: rank)
    while true {
      body(offsets, shape[last], inner)
      var d = last - 1
      while d >= 0 {
        index[d] += 1
        for k in offsets.indices { offsets[k] += strides[k][d] }
        if index[d] < shape[d] { break }
        for k in offsets.indices { offsets[k] -= strides[k][d] * shape[d] }
        index[d] = 0
        d -= 1
      }
      if d < 0 { return }
    }
  }
}

extension ElementLoop {
  /// The dims of `shape` ordered outermost to innermost by the operands' strides, as PyTorch's
  /// TensorIterator orders them: dim `d` goes inside dim `e` when the first operand whose
  /// strides tell them apart (neither is 0, they differ) has the smaller stride on `d`; ties keep
  /// the logical order.
  ///
  /// Results are laid out densely in this order, so an op on transposed
  /// inputs gives a transposed output as in PyTorch, and every operand is read sequentially.
  static func layoutOrder(shape: [Int], strides operandStrides: [[Int]]) -> [Int] {
    var order: [Int] = []  // outermost first
    func isInner(_ d: Int, than e: Int) -> Bool {
      for s in operandStrides {
        let a = s[d]
        let b = s[e]
        if a == 0 || b == 0 || a == b || shape[d] == 1 || shape[e] == 1 { continue }
        return a < b
      }
      return d > e
    }
    for d in shape.indices {
      // Insertion sort: move d outward past dims it is outer to.
      var i = order.count
      while i > 0 && !isInner(d, than: order[i - 1]) { i -= 1 }
      order.insert(d, at: i)
    }
    return order
  }

  /// Dense strides for `shape` laid out in `order` (outermost first).
  static func denseStrides(shape: [Int], order: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: shape.count)
    var running = 1
    for d in order.reversed() {
      strides[d] = running
      running *= Swift.max(shape[d], 1)
    }
    return strides
  }
}
