import Dispatch
import Foundation
import Synchronization

extension ZipArchive {
  /// Checks the CRC-32 of every stored record against the central directory, on every core.
  ///
  /// Records are independent; the largest start first. Each is read in chunks, and the pages of
  /// a mapped file are released behind the check (``verifyCRCStreaming(of:)``), so the check
  /// holds a few chunks of any file. Deflated records are left to their reader, which inflates
  /// and checks them.
  ///
  /// - Throws: `FormatError` for the first record, in archive order, that is unreadable or
  ///   whose CRC-32 differs (`.badCRC`).
  public func verifyStoredCRCs() throws(FormatError) {
    try verifyConcurrently(entries.filter(\.isStored)) { (e) throws(FormatError) in
      try verifyCRCStreaming(of: e)
    }
  }

  /// Runs `check` on every entry of `list`, on every core, largest first; throws the error of the
  /// first entry in `list` order that failed.
  func verifyConcurrently(
    _ list: [ZipEntry], _ check: @Sendable (ZipEntry) throws(FormatError) -> Void
  ) throws(FormatError) {
    let order = list.indices.sorted { list[$0].compressedSize > list[$1].compressedSize }
    let failures = Mutex<[Int: FormatError]>([:])
    let next = Atomic<Int>(0)
    let workers = min(list.count, ProcessInfo.processInfo.activeProcessorCount)
    DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { _ in
      while true {
        let k = next.add(1, ordering: .relaxed).oldValue
        if k >= order.count { break }
        let i = order[k]
        do throws(FormatError) {
          try check(list[i])
        } catch {
          failures.withLock { $0[i] = error }
        }
      }
    }
    let first = failures.withLock { f in f.keys.min().flatMap { f[$0] } }
    if let first { throw first }
  }
}
