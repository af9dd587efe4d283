public import Foundation
public import ReproTensor

/// A read-only view of a zip archive held in a ``Storage`` (in memory or memory-mapped).
///
/// The initializer reads the end records (zip64 included) and the whole central directory,
/// and checks every entry against its local header: names and methods must agree, data must
/// lie before the central directory, records must not overlap, and data descriptors (when
/// present) must agree with the directory. Record bytes are only touched by ``data(for:)``
/// and ``storage(for:verifyingCRC:)``.
///
/// ```swift
/// let archive = try ZipArchive.open(contentsOf: url, memoryMapped: true)
/// let folder = archive.rootFolder                        // "model" for model.pt
/// let pickle = try archive.data(for: archive.entry(named: "model/data.pkl")!)
/// ```
///
/// Every malformed input ends in a `FormatError` whose message names the record and offset;
/// no allocation exceeds the file size, except inflating a deflated record, which is limited
/// to its declared size and to ``maximumDeflateRatio`` times its compressed size.
public struct ZipArchive: Sendable {
  /// The largest ratio of uncompressed to compressed size deflate can reach (1032:1, from
  /// 258-byte matches coded in about 2 bits); a record that declares more is refused.
  public static let maximumDeflateRatio = 1032

  /// The archive's bytes.
  ///
  /// Stored records borrow from it.
  public let backing: Storage
  /// The records, in central directory order.
  public var entries: [ZipEntry]
  private var index: [String: Int]

  /// Parses a whole archive held in `bytes` (a buffer or a mapping, see ``MappedFile``).
  ///
  /// - Throws: `FormatError`: `.badMagic` (not a zip), `.truncated` (a structure runs past
  ///   the end), `.corrupt` (inconsistent directory, overlapping records, duplicate names),
  ///   `.unsupported` (multi-disk archives).
  public init(bytes: Storage) throws(FormatError) {
    backing = bytes
    entries = unsafe try bytes.withUnsafeBytes { (raw) throws(FormatError) -> [ZipEntry] in
      unsafe try ZipDirectoryParser(bytes: LEBytes(bytes: raw)).parse()
    }
    index = Dictionary(minimumCapacity: entries.count)
    for (i, e) in entries.enumerated() { index[e.name] = i }
  }

  /// Opens the zip file at `url`, reading it into memory or mapping it.
  ///
  /// - Parameters:
  ///   - url: the file.
  ///   - memoryMapped: map the file (stored records then borrow the mapping, zero-copy)
  ///     instead of reading it into memory.
  /// - Throws: `FormatError` (`.io` when the file cannot be read, otherwise as ``init(bytes:)``).
  public static func open(contentsOf url: URL, memoryMapped: Bool) throws(FormatError)
    -> ZipArchive
  {
    let mapped = try ZipArchive(bytes: MappedFile(contentsOf: url).storage)
    if memoryMapped { return mapped }
    // The directory was checked on the mapping; only now is the file read.
    return try ZipArchive(bytes: readFile(url))
  }

  /// Reads a whole regular file into a new, writable storage.
  ///
  /// - Throws: `FormatError.Code.io` naming the file.
  public static func readFile(_ url: URL) throws(FormatError) -> Storage {
    let fd = try Syscalls.openForReading(url.path)
    defer { Syscalls.close(fd) }
    let (size, isRegular) = try Syscalls.fileSize(fd, path: url.path)
    guard isRegular else { throw FormatError(.io, "cannot read \(url.path): not a regular file") }
    // Every byte is overwritten by the read (which throws on a short file), so skip zeroing.
    let storage = try Storage.allocating(uninitializedByteCount: size, for: "reading \(url.path)")
    unsafe try storage.withUnsafeMutableBytes { (buf) throws(FormatError) in
      unsafe try Syscalls.read(fd, into: buf, at: 0, path: url.path)
    }
    return storage
  }

  /// The entry with the full name `name` (for example `model/data.pkl`), if any.
  public func entry(named name: String) -> ZipEntry? {
    index[name].map { entries[$0] }
  }

  /// The folder PyTorch reads records from: the first entry's name up to its first `/`
  /// (nil when the archive is empty or that name has no `/`).
  ///
  /// torch.load takes the folder from the first central directory entry in the same way, so
  /// `entry(record: "data.pkl")` finds `<folder>/data.pkl` whatever the folder is called.
  public var rootFolder: String? {
    guard let first = entries.first?.name, let slash = first.firstIndex(of: "/") else {
      return nil
    }
    return String(first[..<slash])
  }

  /// The entry `<rootFolder>/<record>` (for example `record: "data/0"`), if any.
  public func entry(record: String) -> ZipEntry? {
    rootFolder.flatMap { entry(named: $0 + "/" + record) }
  }

  /// The record's bytes: copied when stored, inflated when deflated, CRC-32 checked.
  ///
  /// A CRC of 0 in the directory is not checked (PyTorch writes 0 everywhere when saving with
  /// `set_crc32_options(False)`).
  ///
  /// - Throws: `FormatError`: `.unsupported` (method other than 0/8, encryption),
  ///   `.limitExceeded` (declared size beyond the deflate ratio), `.corrupt` (bad deflate
  ///   data, more or fewer bytes than declared), `.badCRC`.
  public func data(for entry: ZipEntry) throws(FormatError) -> [UInt8] {
    try checkReadable(entry)
    return unsafe try backing.withUnsafeBytes { (raw) throws(FormatError) -> [UInt8] in
      let source = unsafe UnsafeRawBufferPointer(
        rebasing: raw[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
      if entry.isStored {
        unsafe try verifyCRC(of: source, entry)
        return unsafe Array(source)
      }
      var outcome = Zlib.InflateOutcome.invalid(reason: "not run")
      let out = unsafe [UInt8](unsafeUninitializedCapacity: entry.uncompressedSize) { buf, count in
        outcome = unsafe Zlib.inflateRaw(source, into: UnsafeMutableRawBufferPointer(buf))
        if case .finished(let written, _) = outcome { count = written } else { count = 0 }
      }
      try checkInflate(outcome, entry)
      unsafe try out.withBytes { (b) throws(FormatError) in unsafe try verifyCRC(of: b, entry) }
      return out
    }
  }

  /// The record's bytes as a storage.
  ///
  /// Stored records are borrowed from ``backing`` without a copy (read-only; the archive's
  /// bytes or mapping stay alive as long as the storage does). Deflated records are inflated
  /// into a new storage and always CRC-checked.
  ///
  /// - Parameters:
  ///   - entry: an entry of this archive.
  ///   - verifyingCRC: whether to check a stored record's CRC-32 (this reads every byte;
  ///     default `false`, like torch.load).
  ///   - sha256Hex: a stored record's SHA-256, when the caller computed it
  ///     (``verifyStoredCRCsHashing()``): the storage carries it
  ///     (``ReproTensor/Storage/knownSHA256Hex``).
  /// - Throws: `FormatError` as ``data(for:)``.
  public func storage(
    for entry: ZipEntry, verifyingCRC: Bool = false, sha256Hex: String? = nil
  ) throws(FormatError) -> Storage {
    try checkReadable(entry)
    if entry.isStored {
      return unsafe try backing.withUnsafeBytes { (raw) throws(FormatError) -> Storage in
        let region = unsafe UnsafeRawBufferPointer(
          rebasing: raw[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
        if verifyingCRC { unsafe try verifyCRC(of: region, entry) }
        return unsafe Storage(
          borrowing: region, owner: backing, isReadOnly: true, sha256Hex: sha256Hex)
      }
    }
    // Not zeroed first: a finished inflate has written every byte (`checkInflate` throws
    // otherwise), and a declared size can be 1032 times the record's, so zeroing it would cost
    // a pass over memory that a bad stream never uses.
    let out = Storage(uninitializedByteCount: entry.uncompressedSize)
    let outcome = unsafe backing.withUnsafeBytes { raw in
      unsafe out.withUnsafeMutableBytes { dst in
        unsafe Zlib.inflateRaw(
          UnsafeRawBufferPointer(
            rebasing: raw[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)]),
          into: dst)
      }
    }
    try checkInflate(outcome, entry)
    unsafe try out.withUnsafeBytes { (b) throws(FormatError) in unsafe try verifyCRC(of: b, entry) }
    return out
  }

  // MARK: - Checks shared by data(for:) and storage(for:)

  func checkReadable(_ entry: ZipEntry) throws(FormatError) {
    let at = "record '\(entry.name)' (local header at offset \(entry.localHeaderOffset))"
    guard entry.dataOffset >= 0, entry.compressedSize >= 0, entry.uncompressedSize >= 0,
      entry.dataOffset <= backing.byteCount,
      entry.compressedSize <= backing.byteCount - entry.dataOffset
    else {
      throw FormatError(
        .truncated,
        "\(at): \(entry.compressedSize) bytes at offset \(entry.dataOffset) run past the end of "
          + "the \(backing.byteCount)-byte archive")
    }
    if entry.isEncrypted { throw FormatError(.unsupported, "\(at) is encrypted") }
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.uncompressedSize else {
        throw FormatError(
          .corrupt,
          "\(at) is stored but declares \(entry.compressedSize) compressed and "
            + "\(entry.uncompressedSize) uncompressed bytes")
      }
    case 8:
      let (limit, overflow) = entry.compressedSize.multipliedReportingOverflow(
        by: Self.maximumDeflateRatio)
      guard !overflow, entry.uncompressedSize <= limit + 1024 else {
        throw FormatError(
          .limitExceeded,
          "\(at) declares \(entry.uncompressedSize) uncompressed bytes from "
            + "\(entry.compressedSize) deflated bytes, more than deflate's maximum ratio of "
            + "\(Self.maximumDeflateRatio):1 (zip bomb?)")
      }
    default:
      throw FormatError(
        .unsupported, "\(at) uses compression method \(entry.method) (only 0 and 8 are read)")
    }
  }

  func checkInflate(_ outcome: Zlib.InflateOutcome, _ entry: ZipEntry) throws(FormatError) {
    let at = "record '\(entry.name)' (data at offset \(entry.dataOffset))"
    switch outcome {
    case .finished(let written, let consumed):
      guard written == entry.uncompressedSize else {
        throw FormatError(
          .corrupt,
          "\(at) inflates to \(written) bytes but declares \(entry.uncompressedSize)")
      }
      guard consumed == entry.compressedSize else {
        throw FormatError(
          .corrupt,
          "\(at): the deflate stream ends after \(consumed) of its \(entry.compressedSize) bytes")
      }
    case .outputFull:
      throw FormatError(
        .limitExceeded,
        "\(at) inflates to more than its declared \(entry.uncompressedSize) bytes; stopped there")
    case .truncated(let written):
      throw FormatError(
        .truncated,
        "\(at): the deflate stream ends early (\(written) of \(entry.uncompressedSize) bytes)")
    case .invalid(let reason):
      throw FormatError(.corrupt, "\(at): invalid deflate data (\(reason))")
    }
  }

  func verifyCRC(of bytes: UnsafeRawBufferPointer, _ entry: ZipEntry) throws(FormatError) {
    guard entry.crc32 != 0 else { return }
    let actual = unsafe Zlib.crc32(bytes)
    guard actual == entry.crc32 else {
      throw FormatError(
        .badCRC,
        "record '\(entry.name)' (local header at offset \(entry.localHeaderOffset)): CRC-32 of "
          + "its \(bytes.count) bytes is \(hex(actual)) but the central directory says "
          + "\(hex(entry.crc32))")
    }
  }
}
