/// Reading and writing elements of any dtype.
extension Tensor {
  /// The element at storage index `i` (in elements), widened to a `Scalar`.
  @inlinable
  public func scalar(atStorageIndex i: Int) -> Scalar {
    unsafe storage.withUnsafeBytes {
      unsafe ScalarCodec.load(dtype, from: $0, byteOffset: i * dtype.elementSize)
    }
  }

  /// The element at a multi-dimensional index.
  ///
  /// - Precondition: `index` has `rank` entries, each within its dimension (a programmer error).
  public subscript(_ index: [Int]) -> Scalar {
    scalar(atStorageIndex: storageIndex(of: index))
  }

  /// The storage index (in elements) of a multi-dimensional index.
  ///
  /// - Precondition: `index` has `rank` entries, each within its dimension.
  public func storageIndex(of index: [Int]) -> Int {
    precondition(index.count == rank, "index \(index) for a \(rank)-d tensor")
    var at = storageOffset
    for (d, i) in index.enumerated() {
      precondition(
        i >= 0 && i < shape[d], "index \(i) out of range for dim \(d) of size \(shape[d])")
      at += i * strides[d]
    }
    return at
  }

  /// The only element of a one-element tensor (`item()`).
  ///
  /// - Precondition: `count == 1`.
  public func item() -> Scalar {
    precondition(count == 1, "item() on a tensor with \(count) elements")
    var out = Scalar.int(0)
    forEachStorageIndex { out = scalar(atStorageIndex: $0) }
    return out
  }

  /// Every element in row-major logical order, widened to `Scalar`.
  public func scalars() -> [Scalar] {
    var out: [Scalar] = []
    out.reserveCapacity(count)
    forEachStorageIndex { out.append(scalar(atStorageIndex: $0)) }
    return out
  }

  /// Every element of a real or bool dtype as a double, in row-major logical order.
  public func doubles() -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(count)
    forEachStorageIndex { out.append(scalar(atStorageIndex: $0).doubleValue) }
    return out
  }

  /// Every element as Swift type `T`, in row-major logical order.
  ///
  /// - Precondition: `T.dtype == dtype` (a programmer error otherwise).
  public func toArray<T: TensorElement>(of type: T.Type) -> [T] {
    precondition(T.dtype == dtype, "toArray(of: \(T.self)) on a \(dtype) tensor")
    if T.self == Bool.self {
      let bytes = contiguousBytes()
      return bytes.compactMap { ($0 != 0) as? T }
    }
    let bytes = contiguousBytes()
    return unsafe bytes.withUnsafeBytes { raw in
      (0..<count).map {
        unsafe raw.loadUnaligned(fromByteOffset: $0 * dtype.elementSize, as: T.self)
      }
    }
  }

  /// The bytes of the elements in row-major logical order (the bytes of `contiguous()`).
  public func contiguousBytes() -> [UInt8] {
    let size = dtype.elementSize
    let n = count
    if n == 0 { return [] }
    return unsafe storage.withUnsafeBytes { raw in
      if isContiguous {
        let start = storageOffset * size
        return unsafe Array(raw[start..<(start + n * size)])
      }
      var out = [UInt8](repeating: 0, count: n * size)
      unsafe out.withUnsafeMutableBytes { dst in
        var k = 0
        forEachStorageIndex { i in
          unsafe dst.start.advanced(by: k).copyMemory(
            from: raw.start.advanced(by: i * size), byteCount: size)
          k += size
        }
      }
      return out
    }
  }

  /// Writes one element at storage index `i`, converting from a `Scalar` with PyTorch's casts.
  public func setScalar(_ value: Scalar, atStorageIndex i: Int) {
    unsafe storage.withUnsafeMutableBytes { raw in
      unsafe ScalarCodec.store(value, as: dtype, into: raw, byteOffset: i * dtype.elementSize)
    }
  }

  /// Whether both tensors have the same dtype, shape and element bytes (device, strides and
  /// `requiresGrad` are not compared).
  public func bytesEqual(_ other: Tensor) -> Bool {
    dtype == other.dtype && shape == other.shape && contiguousBytes() == other.contiguousBytes()
  }
}
