import ReproTensor

extension Tensor {
  /// Calls `body` with the tensor's elements in row-major order as raw bytes: the storage's own
  /// bytes when the tensor is contiguous (no copy), a contiguous copy otherwise.
  func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    let size = dtype.elementSize
    let n = count
    if isContiguous, n > 0 {
      return unsafe storage.withUnsafeBytes { raw in
        let start = storageOffset * size
        return unsafe body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + n * size)]))
      }
    }
    let copy = contiguousBytes()
    return unsafe copy.withUnsafeBytes { unsafe body($0) }
  }
}
