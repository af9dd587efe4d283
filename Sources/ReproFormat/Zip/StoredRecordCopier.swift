import Foundation
import ReproTensor

/// Reads stored zip records straight from an open file into fresh storages that own their
/// bytes, on every core, checking each record's CRC-32 in the same pass.
///
/// ``enqueue(_:)`` hands out a record's storage at once (its bytes not yet read), so that a
/// loader can resolve the whole pickle first; ``run()`` then fills every storage. The records
/// are cut into 1 MiB pieces that the cores take in turn: each piece's pages are populated in
/// one call (no fault per page), `pread` copies the file's bytes into them, and the CRC-32 of
/// the piece is taken while it is still in cache. The pieces' CRCs are combined per record
/// (zlib's `crc32_combine`) and compared with the central directory.
///
/// Compared with reading the whole file into one buffer and checking the records afterwards,
/// this touches each byte of memory once and keeps nothing but the records.
final class StoredRecordCopier {
  /// The size of the pieces the cores take in turn: small enough to stay in a core's cache
  /// between the copy and the CRC, large enough that system calls cost nothing.
  static let pieceSize = 1 << 20

  private let file: LoadingFile
  private var records: [(entry: ZipEntry, storage: Storage)] = []

  /// A copier reading from `file`.
  init(file: LoadingFile) { self.file = file }

  /// A new storage for the stored record `entry`, filled by the next ``run()``.
  ///
  /// - Precondition: `entry` is stored (method 0) and readable (`ZipArchive.checkReadable`).
  func enqueue(_ entry: ZipEntry) -> Storage {
    let storage = Storage(uninitializedByteCount: entry.uncompressedSize)
    records.append((entry, storage))
    return storage
  }

  /// Reads every enqueued record into its storage and checks its CRC-32 (a directory CRC of 0
  /// is not checked, as in ``ZipArchive/data(for:)``).
  ///
  /// - Throws: `FormatError`: `.io` (a read failed, or the file shrank), `.badCRC`; for the
  ///   first record, in the order they were enqueued, that fails.
  func run() throws(FormatError) {
    let pending = records
    records = []
    guard !pending.isEmpty else { return }
    let pieces = Self.pieces(pending.map(\.entry.uncompressedSize))
    let targets = pending.map { (offset: $0.entry.dataOffset, storage: $0.storage) }
    let file = file
    let copied = ConcurrentMap.map(
      pieces, cost: \.count,
      { (piece) -> Result<UInt32, FormatError> in
        let target = targets[piece.record]
        do throws(FormatError) {
          return .success(
            try Self.copy(piece, from: file, at: target.offset, into: target.storage))
        } catch {
          return .failure(error)
        }
      })
    var pieceCRCs: [UInt32] = []
    pieceCRCs.reserveCapacity(copied.count)
    for result in copied {
      switch result {
      case .success(let crc): pieceCRCs.append(crc)
      case .failure(let error): throw error  // the first record, in enqueued order, that failed
      }
    }
    var k = 0
    for (r, record) in pending.enumerated() {
      var crc: UInt32 = 0
      while k < pieces.count && pieces[k].record == r {
        crc = Zlib.crc32Combine(crc, pieceCRCs[k], lengthOfB: pieces[k].count)
        k += 1
      }
      try Self.check(crc, of: record.entry)
    }
  }

  /// One piece of one record: `count` bytes at `offset` into record number `record`.
  struct Piece: Sendable {
    let record: Int
    let offset: Int
    let count: Int
  }

  /// The records of the given sizes cut into pieces of at most ``pieceSize`` bytes, in order.
  static func pieces(_ sizes: [Int]) -> [Piece] {
    var pieces: [Piece] = []
    for (r, size) in sizes.enumerated() {
      var offset = 0
      while offset < size {
        let n = min(pieceSize, size - offset)
        pieces.append(Piece(record: r, offset: offset, count: n))
        offset += n
      }
    }
    return pieces
  }

  /// Reads `piece` of the record whose data starts at `recordOffset` in `file` into its place
  /// in `storage`; returns the piece's CRC-32.
  private static func copy(
    _ piece: Piece, from file: LoadingFile, at recordOffset: Int, into storage: Storage
  ) throws(FormatError) -> UInt32 {
    unsafe try storage.withUnsafeMutableBytes { (all) throws(FormatError) -> UInt32 in
      let part = unsafe UnsafeMutableRawBufferPointer(
        rebasing: all[piece.offset..<(piece.offset + piece.count)])
      unsafe Syscalls.prefault(part)
      unsafe try Syscalls.read(
        file.descriptor, into: part, at: recordOffset + piece.offset, path: file.path)
      return unsafe LibDeflate.crc32(UnsafeRawBufferPointer(part))
    }
  }

  /// Compares a record's CRC-32 with its central directory entry (0 there: not checked).
  private static func check(_ actual: UInt32, of entry: ZipEntry) throws(FormatError) {
    guard entry.crc32 != 0, actual != entry.crc32 else { return }
    throw FormatError(
      .badCRC,
      "record '\(entry.name)' (local header at offset \(entry.localHeaderOffset)): CRC-32 of "
        + "its \(entry.uncompressedSize) bytes is \(hex(actual)) but the central directory says "
        + "\(hex(entry.crc32))")
  }
}
