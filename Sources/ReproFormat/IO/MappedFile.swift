public import Foundation
public import ReproTensor

/// A whole file mapped into memory read-only (`mmap` with `PROT_READ`, `MAP_PRIVATE`).
///
/// The mapping is released (`munmap`) when the last reference goes away. ``storage`` borrows
/// the mapping without copying, and every storage made from it (for example a zip record's
/// bytes, see ``ZipArchive/storage(for:verifyingCRC:)``) retains this object, so the mapping
/// lives exactly as long as anything still reads it.
///
/// ```swift
/// let file = try MappedFile(contentsOf: url)
/// let archive = try ZipArchive(bytes: file.storage)   // no copy of the file
/// ```
///
/// Readers that go through a file once (``ReproTensor/StorageReader``: hashes, CRCs,
/// comparisons) release the pages behind them (``releasePages(_:)``), so that a file of any size
/// is read within a bounded resident set.
///
/// An empty file has no mapping (POSIX refuses zero-length maps); its storage is empty.
/// Writes through a mapped storage are refused (`Storage.isReadOnly`); if the file is truncated
/// by another process while mapped, reading past its new end raises `SIGBUS`, as with any mmap.
@safe public final class MappedFile: @unchecked Sendable {
  // Sendable invariant: `base` and `byteCount` never change after init, and the mapping is
  // read-only, so concurrent readers are safe; munmap only runs in deinit.
  private let base: UnsafeRawPointer?
  /// The number of mapped bytes (the file size when it was opened).
  public let byteCount: Int
  /// The mapped file's path.
  public let path: String

  /// Maps the file at `url`.
  ///
  /// - Parameter url: a file URL of a regular file.
  /// - Throws: `FormatError` with code `.io` when the file cannot be opened, is not a regular
  ///   file, or cannot be mapped.
  public init(contentsOf url: URL) throws(FormatError) {
    path = url.path
    let fd = try Syscalls.openForReading(path)
    defer { Syscalls.close(fd) }
    let (size, isRegular) = try Syscalls.fileSize(fd, path: path)
    guard isRegular else { throw FormatError(.io, "cannot map \(path): not a regular file") }
    byteCount = size
    unsafe base = unsafe size == 0 ? nil : try Syscalls.mapReadOnly(fd, count: size, path: path)
  }

  deinit {
    if let base = unsafe base { unsafe Syscalls.unmap(base, count: byteCount) }
  }

  /// A read-only storage borrowing the whole mapping (no copy); it keeps this object alive.
  public var storage: Storage {
    unsafe Storage(
      borrowing: UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : byteCount),
      owner: self, isReadOnly: true)
  }
}

extension MappedFile: PageReleasing {
  /// Drops the pages holding `region` (rounded out to whole pages, within the mapping) from this
  /// process with `madvise(MADV_DONTNEED)`: the mapping is read-only and private, so no data is
  /// lost, and reading the region again maps the page cache's copy again.
  public func releasePages(_ region: UnsafeRawBufferPointer) {
    guard let base = unsafe base, let start = region.baseAddress, region.count > 0 else {
      return
    }
    let page = Syscalls.pageSize
    let mapStart = Int(bitPattern: base)
    let mapEnd = mapStart + (byteCount + page - 1) / page * page
    let lo = Swift.max(Int(bitPattern: start) / page * page, mapStart)
    let hi = Swift.min((Int(bitPattern: start) + region.count + page - 1) / page * page, mapEnd)
    guard hi > lo, let at = unsafe UnsafeRawPointer(bitPattern: lo) else { return }
    unsafe Syscalls.dropPages(at, count: hi - lo)
  }
}
