extension Array where Element == Int {
  /// Steps this multi-index to the next element in row-major order (the last dimension fastest,
  /// like an odometer), over the first `count` dimensions of `shape`; after the last element it
  /// wraps to all zeros.
  ///
  /// ```swift
  /// var index = [0, 0]
  /// index.stepRowMajor(in: [2, 3])  // [0, 1]
  /// ```
  ///
  /// - Returns: the outermost dimension that changed, or -1 when the index wrapped.
  /// - Precondition: `count <= shape.count`.
  @inlinable @discardableResult
  public mutating func stepRowMajor(in shape: [Int]) -> Int {
    var d = count - 1
    while d >= 0 {
      self[d] += 1
      if self[d] < shape[d] { return d }
      self[d] = 0
      d -= 1
    }
    return -1
  }
}
