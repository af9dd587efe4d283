import Foundation
import ReproTensor

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
    let failures = ConcurrentMap.map(
      list, cost: { $0.compressedSize },
      { (e) -> FormatError? in
        do throws(FormatError) {
          try check(e)
          return nil
        } catch {
          return error
        }
      })
    if let first = failures.lazy.compactMap({ $0 }).first { throw first }
  }
}
