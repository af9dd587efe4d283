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
    _ = try verifyConcurrently(entries.filter(\.isStored)) { (e) throws(FormatError) in
      try verifyCRCStreaming(of: e)
    }
  }

  /// Checks every stored record as ``verifyStoredCRCs()`` does and computes its SHA-256 in the
  /// same pass, so that the file is read once for both: each slice of a chunk is hashed right
  /// after its CRC-32 is taken, while it is still in the CPU's cache.
  ///
  /// - Returns: the lowercase hex SHA-256 of every stored record, by record name.
  /// - Throws: as ``verifyStoredCRCs()``.
  public func verifyStoredCRCsHashing() throws(FormatError) -> [String: String] {
    let stored = entries.filter(\.isStored)
    let digests = try verifyConcurrently(stored) { (e) throws(FormatError) in
      try verifyStoredCRCHashing(of: e)
    }
    return Dictionary(zip(stored.map(\.name), digests)) { first, _ in first }
  }

  /// The bytes CRC-checked and then hashed at a time by ``verifyStoredCRCHashing(of:)``: small
  /// enough to stay in a core's L2 cache between the two.
  static let hashSliceBytes = 256 << 10

  /// Checks one stored record's CRC-32 in chunks, as ``verifyCRCStreaming(of:)`` does, and
  /// returns its SHA-256, computed slice by slice in the same pass.
  ///
  /// - Precondition: `entry.isStored`.
  func verifyStoredCRCHashing(of entry: ZipEntry) throws(FormatError) -> String {
    precondition(entry.isStored, "only stored records are hashed in place")
    try checkReadable(entry)
    var crc: UInt32 = 0
    var hasher = SHA256Hasher()
    unsafe backing.forEachChunk(in: entry.dataOffset..<(entry.dataOffset + entry.compressedSize)) {
      chunk in
      var at = 0
      while at < chunk.count {
        let slice = unsafe UnsafeRawBufferPointer(
          rebasing: chunk[at..<min(at + Self.hashSliceBytes, chunk.count)])
        crc = unsafe Zlib.crc32(slice, continuing: crc)
        unsafe hasher.update(slice)
        at += slice.count
      }
    }
    if entry.crc32 != 0 { try checkCRC(crc, byteCount: entry.compressedSize, entry) }
    return hasher.finalizeHex()
  }

  /// Runs `check` on every entry of `list`, on every core, largest first; returns the results in
  /// `list` order, or throws the error of the first entry in `list` order that failed.
  func verifyConcurrently<R: Sendable>(
    _ list: [ZipEntry], _ check: @Sendable (ZipEntry) throws(FormatError) -> R
  ) throws(FormatError) -> [R] {
    let outcomes = ConcurrentMap.map(
      list, cost: { $0.compressedSize },
      { (e) -> Result<R, FormatError> in
        do throws(FormatError) {
          return .success(try check(e))
        } catch {
          return .failure(error)
        }
      })
    return try outcomes.map { (outcome) throws(FormatError) -> R in try outcome.get() }
  }
}
