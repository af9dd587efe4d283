import Foundation
import ReproTensor

/// A regular file opened for a copying load: its descriptor, from which stored records are read
/// straight into the storages that keep them (``StoredRecordCopier``), and a read-only mapping
/// of the same open file, from which the zip directory and the small records are parsed.
///
/// The mapping and the descriptor are of one open file, so a rename over the path while loading
/// cannot mix two files. Both are released when the last storage borrowing ``storage`` goes
/// away; a copying load keeps none of them once it returns.
@safe final class LoadingFile: @unchecked Sendable {
  // Sendable invariant: every property is set once in init; the mapping is read-only and
  // pread on one descriptor from several threads is safe. munmap and close run in deinit.
  /// The open descriptor (read-only).
  let descriptor: Int32
  /// The file's path, for error messages.
  let path: String
  /// The file size when it was opened.
  let byteCount: Int
  private let base: UnsafeRawPointer?

  /// Opens and maps the regular file at `url`.
  ///
  /// - Throws: `FormatError.Code.io` naming the file (missing, not regular, not mappable).
  init(contentsOf url: URL) throws(FormatError) {
    path = url.path
    let fd = try Syscalls.openForReading(path)
    do throws(FormatError) {
      let (size, isRegular) = try Syscalls.fileSize(fd, path: path)
      guard isRegular else { throw FormatError(.io, "cannot read \(path): not a regular file") }
      byteCount = size
      unsafe base = unsafe size == 0 ? nil : try Syscalls.mapReadOnly(fd, count: size, path: path)
    } catch {
      Syscalls.close(fd)
      throw error
    }
    descriptor = fd
  }

  deinit {
    if let base = unsafe base { unsafe Syscalls.unmap(base, count: byteCount) }
    Syscalls.close(descriptor)
  }

  /// A read-only storage borrowing the whole mapping; it keeps this object (and so the
  /// descriptor) alive.
  var storage: Storage {
    unsafe Storage(
      borrowing: UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : byteCount),
      owner: self, isReadOnly: true)
  }
}
