/// Reads a tensor's elements in row-major order as little-endian bytes, in bounded chunks, as
/// `t.contiguous().numpy().tobytes()` would give them, without holding them all.
///
/// A contiguous tensor is read through a ``StorageReader`` (in place, mapped pages released
/// behind it, deferred bytes streamed); the elements of any other view are gathered into one
/// reused buffer.
///
/// ```swift
/// let reader = TensorByteReader(tensor)
/// while reader.remainingElements > 0 {
///   reader.withNext(elements: 1 << 20) { bytes in hasher.update(bufferPointer: bytes) }
/// }
/// ```
public final class TensorByteReader {
  private let tensor: Tensor
  private let elementSize: Int
  private let contiguous: StorageReader?
  private var done = 0
  /// The multi-index of the next element (views that are not contiguous).
  private var index: [Int]
  private var gathered = Storage(byteCount: 0)

  /// A reader of all of `tensor`'s elements.
  public init(_ tensor: Tensor) {
    self.tensor = tensor
    elementSize = tensor.dtype.elementSize
    index = [Int](repeating: 0, count: tensor.rank)
    if tensor.isContiguous {
      let start = tensor.storageOffset * elementSize
      contiguous = StorageReader(
        tensor.storage, range: start..<(start + tensor.count * elementSize))
    } else {
      contiguous = nil
    }
  }

  /// The elements not read yet.
  public var remainingElements: Int { tensor.count - done }

  /// The number of elements in a chunk of at most ``StorageReader/chunkBytes`` bytes.
  public var elementsPerChunk: Int { Swift.max(1, StorageReader.chunkBytes / elementSize) }

  /// Calls `body` with the bytes of the next `elements` elements (fewer at the end); the buffer
  /// is valid only during the call.
  ///
  /// - Precondition: `elements > 0`.
  public func withNext<R, E: Error>(
    elements: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> R
  ) throws(E) -> R {
    precondition(elements > 0, "a chunk needs at least one element")
    let n = Swift.min(elements, remainingElements)
    defer { done += n }
    if let contiguous { return unsafe try contiguous.withNext(n * elementSize, body) }
    gather(n)
    return unsafe try gathered.withUnsafeBytes { (raw) throws(E) -> R in
      unsafe try body(UnsafeRawBufferPointer(rebasing: raw[0..<(n * elementSize)]))
    }
  }

  /// Copies the next `n` elements of a view that is not contiguous into `gathered`.
  private func gather(_ n: Int) {
    let size = elementSize
    if gathered.byteCount < n * size { gathered = Storage(uninitializedByteCount: n * size) }
    let shape = tensor.shape
    let strides = tensor.strides
    let rank = tensor.rank
    unsafe tensor.storage.withUnsafeBytes { raw in
      unsafe gathered.withUnsafeMutableBytes { out in
        for k in 0..<n {
          var at = tensor.storageOffset
          for d in 0..<rank { at += index[d] * strides[d] }
          unsafe out.start.advanced(by: k * size).copyMemory(
            from: raw.start.advanced(by: at * size), byteCount: size)
          index.stepRowMajor(in: shape)
        }
      }
    }
  }
}

extension Tensor {
  /// Calls `body` with the tensor's row-major bytes in chunks of at most
  /// ``StorageReader/chunkBytes`` (whole elements), through a ``TensorByteReader``.
  public func forEachByteChunk<E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> Void)
    throws(E)
  {
    let reader = TensorByteReader(self)
    while reader.remainingElements > 0 {
      unsafe try reader.withNext(elements: reader.elementsPerChunk, body)
    }
  }
}

extension Tensor {
  /// The element at a multi-dimensional index, as `self[index]` gives it, except that a deferred
  /// storage (a deflated record) is streamed up to the element instead of produced whole.
  ///
  /// - Precondition: as `self[index]`.
  public func streamedElement(at index: [Int]) -> Scalar {
    guard storage.isDeferred else { return self[index] }
    let bytes = streamedElementBytes(at: index)
    return unsafe bytes.withUnsafeBytes { unsafe ScalarCodec.load(dtype, from: $0, byteOffset: 0) }
  }

  /// The little-endian bytes of the element at a multi-dimensional index, read through a
  /// ``StorageReader`` (a deferred storage is streamed up to the element, not produced whole).
  ///
  /// - Precondition: as `self[index]`.
  public func streamedElementBytes(at index: [Int]) -> [UInt8] {
    let size = dtype.elementSize
    let at = storageIndex(of: index) * size
    return unsafe StorageReader(storage, range: at..<(at + size)).withNext(size) {
      unsafe Array($0)
    }
  }
}
