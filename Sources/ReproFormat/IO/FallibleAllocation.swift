import ReproTensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A block of memory from `posix_memalign`, released with `free` when the last storage
/// borrowing it goes away.
///
/// Swift's own allocation traps when memory runs out; sizes read from a file go through
/// ``Storage/allocating(uninitializedByteCount:)`` instead, so that a file declaring more than
/// the process may allocate (under `ulimit -v`, say) is an error, never an abort.
@safe final class AllocatedBlock: @unchecked Sendable {
  // Sendable invariant: `base` never changes; the block is only freed in deinit.
  let base: UnsafeMutableRawPointer

  /// The machine's physical memory: a larger request is refused without asking the allocator
  /// (which may abort instead of failing, under AddressSanitizer for one).
  static let physicalMemory: Int = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let size = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, size > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
    return overflow ? Int.max : bytes
  }()

  init?(byteCount: Int) {
    var p: UnsafeMutableRawPointer?
    guard byteCount >= 0, byteCount <= Self.physicalMemory,
      unsafe posix_memalign(&p, 64, max(byteCount, 1)) == 0, let p = unsafe p
    else { return nil }
    unsafe base = p
  }

  deinit { unsafe free(base) }
}

extension Storage {
  /// A writable storage of `byteCount` bytes, not zeroed, or nil when the memory cannot be
  /// had (or `byteCount` exceeds the machine's physical memory): for sizes read from files,
  /// whose allocation must fail with an error, not a trap.
  ///
  /// - Parameter byteCount: the size; a negative one gives nil.
  static func allocating(uninitializedByteCount byteCount: Int) -> Storage? {
    guard let block = AllocatedBlock(byteCount: byteCount) else { return nil }
    return unsafe Storage(
      borrowing: UnsafeRawBufferPointer(start: block.base, count: byteCount), owner: block,
      isReadOnly: false)
  }

  /// ``allocating(uninitializedByteCount:)`` that throws `FormatError.Code.limitExceeded`
  /// naming `what` when the memory cannot be had.
  static func allocating(
    uninitializedByteCount byteCount: Int, for what: @autoclosure () -> String
  ) throws(FormatError) -> Storage {
    guard let storage = allocating(uninitializedByteCount: byteCount) else {
      throw FormatError(
        .limitExceeded, "cannot allocate \(byteCount) bytes for \(what()): out of memory")
    }
    return storage
  }
}
