/// Reads a byte range of a storage front to back in bounded chunks, so that reading a storage of
/// any size holds one chunk of it at a time.
///
/// - Bytes borrowed from a file mapping are read in place, and the pages of each chunk are
///   released (``PageReleasing``) as soon as the chunk was handed over.
/// - Deferred bytes (``Storage/init(deferring:)``) that are not held are produced chunk by chunk
///   into one reused buffer (the bytes before the range are produced and dropped).
/// - Bytes in memory are read in place.
///
/// ```swift
/// let reader = StorageReader(storage, range: 0..<storage.byteCount)
/// while reader.remaining > 0 {
///   reader.withNext(StorageReader.chunkBytes) { hasher.update(bufferPointer: $0) }
/// }
/// ```
@safe public final class StorageReader {
  /// The chunk size the readers in this package use (4 MiB).
  public static let chunkBytes = 4 << 20

  private let storage: Storage
  private var position: Int
  private let end: Int
  private let producer: (any DeferredByteProducer)?
  private let releaser: (any PageReleasing)?
  private var buffer: UnsafeMutableRawBufferPointer?

  /// A reader of `range` of `storage`.
  ///
  /// - Precondition: `range` lies within the storage (a programmer error otherwise).
  public init(_ storage: Storage, range: Range<Int>) {
    precondition(
      range.lowerBound >= 0 && range.upperBound <= storage.byteCount,
      "byte range \(range) outside a storage of \(storage.byteCount) bytes")
    self.storage = storage
    position = range.lowerBound
    end = range.upperBound
    releaser = storage.borrowedOwner as? any PageReleasing
    if storage.isDeferred, let content = storage.deferred?.content {
      producer = content.makeProducer()
    } else {
      producer = nil
    }
    if let producer, range.lowerBound > 0 {
      // Produce the bytes before the range and drop them.
      var skipped = 0
      while skipped < range.lowerBound {
        let n = Swift.min(Self.chunkBytes, range.lowerBound - skipped)
        unsafe producer.produce(into: UnsafeMutableRawBufferPointer(rebasing: scratch(n)[0..<n]))
        skipped += n
      }
    }
  }

  deinit {
    if let buffer = unsafe buffer { unsafe buffer.deallocate() }
  }

  /// The bytes not read yet.
  public var remaining: Int { end - position }

  /// Calls `body` with the next `count` bytes (or fewer, at the end of the range); the buffer is
  /// valid only during the call.
  ///
  /// - Precondition: `count > 0`.
  public func withNext<R, E: Error>(
    _ count: Int, _ body: (UnsafeRawBufferPointer) throws(E) -> R
  ) throws(E) -> R {
    precondition(count > 0, "a chunk needs at least one byte")
    let n = Swift.min(count, remaining)
    defer { position += n }
    if let producer {
      let out = unsafe UnsafeMutableRawBufferPointer(rebasing: scratch(n)[0..<n])
      if n > 0 { unsafe producer.produce(into: out) }
      return unsafe try body(UnsafeRawBufferPointer(out))
    }
    let start = position
    return unsafe try storage.withUnsafeBytes { (raw) throws(E) -> R in
      let chunk = unsafe UnsafeRawBufferPointer(rebasing: raw[start..<(start + n)])
      defer { if let releaser, n > 0 { unsafe releaser.releasePages(chunk) } }
      return unsafe try body(chunk)
    }
  }

  /// The reused buffer, grown to at least `count` bytes.
  private func scratch(_ count: Int) -> UnsafeMutableRawBufferPointer {
    if let buffer = unsafe buffer, buffer.count >= count { return unsafe buffer }
    if let buffer = unsafe buffer { unsafe buffer.deallocate() }
    let grown = UnsafeMutableRawBufferPointer.allocate(
      byteCount: Swift.max(count, 1), alignment: 64)
    unsafe buffer = grown
    return unsafe grown
  }
}

extension Storage {
  /// Calls `body` with the bytes of `range` in order, in chunks of at most `chunkBytes`, through
  /// a ``StorageReader`` (mapped pages released behind it, deferred bytes produced as a stream).
  public func forEachChunk<E: Error>(
    in range: Range<Int>, chunkBytes: Int = StorageReader.chunkBytes,
    _ body: (UnsafeRawBufferPointer) throws(E) -> Void
  ) throws(E) {
    let reader = StorageReader(self, range: range)
    while reader.remaining > 0 { unsafe try reader.withNext(chunkBytes, body) }
  }
}
