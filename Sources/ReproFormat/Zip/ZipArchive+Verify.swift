import Dispatch
import Foundation
import Synchronization

extension ZipArchive {
  /// Checks the CRC-32 of every stored record against the central directory, on every core.
  ///
  /// Records are independent; the largest start first. Deflated records are left to their
  /// reader, which inflates and checks them.
  ///
  /// - Throws: `FormatError` for the first record, in archive order, that is unreadable or
  ///   whose CRC-32 differs (`.badCRC`).
  public func verifyStoredCRCs() throws(FormatError) {
    let stored = entries.filter(\.isStored)
    let order = stored.indices.sorted { stored[$0].compressedSize > stored[$1].compressedSize }
    let failures = Mutex<[Int: FormatError]>([:])
    let next = Atomic<Int>(0)
    let workers = min(stored.count, ProcessInfo.processInfo.activeProcessorCount)
    DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { _ in
      while true {
        let k = next.add(1, ordering: .relaxed).oldValue
        if k >= order.count { break }
        let i = order[k]
        do throws(FormatError) {
          try checkReadable(stored[i])
          let e = stored[i]
          unsafe try backing.withUnsafeBytes { (raw) throws(FormatError) in
            unsafe try verifyCRC(
              of: UnsafeRawBufferPointer(
                rebasing: raw[e.dataOffset..<(e.dataOffset + e.compressedSize)]), e)
          }
        } catch {
          failures.withLock { $0[i] = error }
        }
      }
    }
    let first = failures.withLock { f in f.keys.min().flatMap { f[$0] } }
    if let first { throw first }
  }
}
