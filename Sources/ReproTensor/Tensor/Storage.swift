/// Raw little-endian bytes shared by every tensor that views them.
///
/// A storage either owns a 64-byte aligned allocation or borrows a region owned by another
/// object (a memory-mapped file), which it keeps alive for as long as the storage lives. As in
/// PyTorch, storages have reference semantics: writing through one view is visible through every
/// other view of the same storage.
///
/// Sendable invariant: the buffer address and size never change after initialisation. Concurrent
/// writes to the same bytes are the caller's responsibility, as in PyTorch.
@safe public final class Storage: @unchecked Sendable {
  /// The number of bytes.
  public let byteCount: Int
  private let base: UnsafeMutableRawPointer
  private let owner: (any AnyObject & Sendable)?
  /// Bytes produced on demand (an inflated zip record) instead of held; nil otherwise.
  let deferred: DeferredBytes?
  /// Whether writes are refused (read-only mappings).
  public let isReadOnly: Bool
  /// The lowercase hex SHA-256 of all the bytes, when the reader that made this read-only
  /// storage computed it while reading them (a zip record hashed in the pass that checked its
  /// CRC-32), so that hashing them again costs nothing; nil otherwise, and always for writable
  /// storages.
  public let knownSHA256Hex: String?

  /// Allocates `byteCount` zeroed bytes.
  ///
  /// - Precondition: `byteCount >= 0` (a programmer error otherwise).
  public init(byteCount: Int) {
    precondition(byteCount >= 0, "negative storage size")
    self.byteCount = byteCount
    unsafe base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
    unsafe base.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    owner = nil
    deferred = nil
    isReadOnly = false
    knownSHA256Hex = nil
  }

  /// Allocates `byteCount` bytes without zeroing them, for kernels that write every byte of a
  /// fresh output before anything reads it (saves a pass over memory); `package` so that file
  /// readers can read straight into fresh storage.
  package init(uninitializedByteCount byteCount: Int) {
    precondition(byteCount >= 0, "negative storage size")
    self.byteCount = byteCount
    unsafe base = UnsafeMutableRawPointer.allocate(
      byteCount: Swift.max(byteCount, 1), alignment: 64)
    owner = nil
    deferred = nil
    isReadOnly = false
    knownSHA256Hex = nil
  }

  /// A read-only storage of `content.byteCount` bytes that `content` produces on demand.
  ///
  /// Chunked readers (``StorageReader``) stream the bytes without holding them; the first
  /// ``withUnsafeBytes(_:)`` produces them all once and keeps them. Used for deflated zip records
  /// read for verification, so that a record is inflated as a stream, never whole.
  ///
  /// - Parameter content: the producer; it must produce the same bytes every time.
  public init(deferring content: any DeferredStorageContent) {
    byteCount = content.byteCount
    unsafe base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
    owner = nil
    deferred = DeferredBytes(content)
    isReadOnly = true
    knownSHA256Hex = nil
  }

  /// Allocates a storage holding a copy of `bytes`.
  public convenience init(copying bytes: UnsafeRawBufferPointer) {
    self.init(uninitializedByteCount: bytes.count)
    if let src = bytes.baseAddress, bytes.count > 0 {
      unsafe base.copyMemory(from: src, byteCount: bytes.count)
    }
  }

  /// Allocates a storage holding a copy of `bytes`.
  ///
  /// Contiguous collections (`[UInt8]`, `ArraySlice`, `Data`) are copied with one `memcpy`;
  /// others element by element, which in unspecialized code costs a call (and, under
  /// AddressSanitizer, an allocation) per byte.
  public convenience init<C: Collection>(bytes: C) where C.Element == UInt8 {
    self.init(uninitializedByteCount: bytes.count)
    let dst = unsafe UnsafeMutableRawBufferPointer(start: base, count: bytes.count)
    let copied: Void? = bytes.withContiguousStorageIfAvailable { src in
      unsafe dst.copyMemory(from: UnsafeRawBufferPointer(src))
    }
    if copied == nil {
      _ = unsafe dst.initializeMemory(as: UInt8.self, from: bytes)
    }
  }

  /// Borrows `region` without copying; `owner` (for example a memory mapping) is retained until
  /// this storage is released.
  ///
  /// - Parameters:
  ///   - region: the bytes to expose; they must stay valid while `owner` is alive.
  ///   - owner: the object that keeps `region` valid.
  ///   - isReadOnly: whether `withUnsafeMutableBytes` must refuse to run.
  ///   - sha256Hex: the SHA-256 of `region`, when the caller computed it (``knownSHA256Hex``);
  ///     only for read-only regions.
  public init(
    borrowing region: UnsafeRawBufferPointer, owner: any AnyObject & Sendable, isReadOnly: Bool,
    sha256Hex: String? = nil
  ) {
    precondition(sha256Hex == nil || isReadOnly, "a known digest needs read-only bytes")
    byteCount = region.count
    if let address = region.baseAddress {
      unsafe base = unsafe UnsafeMutableRawPointer(mutating: address)
      self.owner = owner
    } else {
      // An empty region has no address: own one byte instead, so `base` is always valid.
      unsafe base = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
      self.owner = nil
    }
    deferred = nil
    self.isReadOnly = isReadOnly
    knownSHA256Hex = sha256Hex
  }

  deinit {
    if owner == nil { unsafe base.deallocate() }
  }

  /// Whether the bytes are borrowed from another object (a memory mapping) rather than owned.
  public var isBorrowed: Bool { owner != nil }

  /// Calls `body` with the bytes.
  public func withUnsafeBytes<R, E: Error>(
    _ body: (UnsafeRawBufferPointer) throws(E) -> R
  ) throws(E) -> R {
    if let deferred {
      return unsafe try body(
        UnsafeRawBufferPointer(start: deferred.materialized(), count: byteCount))
    }
    return unsafe try body(UnsafeRawBufferPointer(start: base, count: byteCount))
  }

  /// The object that keeps borrowed bytes alive, if any (a mapping, or the storage borrowed).
  var borrowedOwner: (any AnyObject & Sendable)? { owner }

  /// Calls `body` with the bytes, writable.
  ///
  /// - Precondition: the storage is not read-only (writing to a read-only mapping is a
  ///   programmer error; copy the tensor first).
  public func withUnsafeMutableBytes<R, E: Error>(
    _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
  ) throws(E) -> R {
    precondition(!isReadOnly, "write to a read-only (memory-mapped) storage; copy it first")
    return unsafe try body(UnsafeMutableRawBufferPointer(start: base, count: byteCount))
  }

  /// A copy of the bytes as an array.
  public var bytes: [UInt8] { unsafe withUnsafeBytes { unsafe Array($0) } }
}
