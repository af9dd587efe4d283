#if canImport(Glibc)
  import Glibc
#endif

extension Syscalls {
  /// Backs the whole pages inside `buffer` with memory now, in one call.
  ///
  /// `madvise(MADV_POPULATE_WRITE)` (Linux 5.14+) instead of one page fault per 4 KiB page when
  /// the bytes are first written. A hint only: nothing happens where it is unsupported.
  static func prefault(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
      guard let start = buffer.baseAddress else { return }
      let page = 4096
      let address = Int(bitPattern: start)
      let first = (address + page - 1) & ~(page - 1)
      let end = (address + buffer.count) & ~(page - 1)
      guard end > first, let aligned = unsafe UnsafeMutableRawPointer(bitPattern: first) else {
        return
      }
      // MADV_POPULATE_WRITE (23); spelled out for C libraries whose headers predate it.
      _ = unsafe madvise(aligned, end - first, 23)
    #endif
  }
}
