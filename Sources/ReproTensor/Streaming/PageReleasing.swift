/// An owner of borrowed bytes that can drop the physical pages behind a region once it was read
/// (a read-only file mapping: the file keeps the data, and reading the region again maps it
/// again), so that reading a large file front to back holds a bounded amount of it.
public protocol PageReleasing: AnyObject, Sendable {
  /// Releases the pages that hold `region` (rounded out to whole pages inside the owner's own
  /// bytes); the region's contents stay readable and unchanged.
  func releasePages(_ region: UnsafeRawBufferPointer)
}

extension Storage: PageReleasing {
  /// Passes the request on to the object this storage borrows from (a mapping, or the storage
  /// of a whole mapped file); a storage that owns its bytes keeps them.
  public func releasePages(_ region: UnsafeRawBufferPointer) {
    guard let owner = borrowedOwner as? any PageReleasing else { return }
    unsafe owner.releasePages(region)
  }

  /// Whether the bytes are deferred (``init(deferring:)``) and not yet held.
  public var isDeferred: Bool { deferred.map { !$0.isMaterialized } ?? false }
}
