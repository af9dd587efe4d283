import ReproTensor

/// The records of a torch zip archive by full name, over `ZipArchive` (stored or deflated,
/// zip64, CRC-checked for the small records torch reads whole).
struct TorchRecordReader {
  let archive: ZipArchive
  /// Whether `storage(_:borrow:)` may hand out writable slices of the archive's bytes without a
  /// copy: true when the bytes are this process's own copy of the file (not a mapping).
  let ownsBacking: Bool
  /// When set, stored records read without `borrow` are copied from the open file into
  /// storages of their own (filled by its `run()`), instead of borrowing or copying `file`.
  let copier: StoredRecordCopier?

  /// While true (``Checkpoint/loadForReading(file:fileName:mapLocation:policy:)``), deflated
  /// records become deferred storages that readers inflate as a stream
  /// (``ZipArchive/streamingStorage(for:)``) instead of storages inflated whole.
  @TaskLocal static var defersDeflatedRecords = false

  /// The SHA-256 of stored records by name, computed while their CRC-32 was checked
  /// (``ZipArchive/verifyStoredCRCsHashing()``); mapped storages of these records carry it
  /// (``ReproTensor/Storage/knownSHA256Hex``).
  @TaskLocal static var knownRecordDigests: [String: String] = [:]

  init(file: Storage, copier: StoredRecordCopier? = nil) throws(FormatError) {
    archive = try ZipArchive(bytes: file)
    ownsBacking = !file.isReadOnly
    self.copier = copier
  }

  var entries: [ZipEntry] { archive.entries }

  func has(_ name: String) -> Bool { archive.entry(named: name) != nil }

  /// A record's bytes (inflated if deflated, CRC-checked).
  func bytes(_ name: String) throws(FormatError) -> [UInt8] {
    try archive.data(for: try entry(name))
  }

  /// A record as a storage.
  ///
  /// Stored records are never copied: `borrow` (mmap) gives read-only
  /// slices of the mapping; otherwise the slice of the in-memory file is handed out writable,
  /// since nothing else uses those bytes (records never overlap: the parser refuses it).
  /// Deflated records are inflated into a new storage.
  ///
  /// Without `borrow`, stored records are CRC-32 checked (torch.load checks none): the bytes
  /// are read anyway, and a flipped bit in a checkpoint should not go unnoticed. Mapped records
  /// are not checked, so that a memory-mapped load touches no page it does not need.
  ///
  /// With a ``copier`` and `deferred`, a stored record (not borrowed) comes back as a new
  /// storage whose bytes the copier's `run()` reads and checks later.
  func storage(_ name: String, borrow: Bool, deferred: Bool = false) throws(FormatError)
    -> Storage
  {
    let e = try entry(name)
    try archive.checkReadable(e)
    if e.isStored && !borrow && deferred, let copier {
      return copier.enqueue(e)
    }
    if !e.isStored && Self.defersDeflatedRecords { return try archive.streamingStorage(for: e) }
    if e.isStored && !borrow && ownsBacking {
      let backing = archive.backing
      return unsafe try backing.withUnsafeBytes { (raw) throws(FormatError) -> Storage in
        let region = unsafe UnsafeRawBufferPointer(
          rebasing: raw[e.dataOffset..<(e.dataOffset + e.compressedSize)])
        unsafe try archive.verifyCRC(of: region, e)
        return unsafe Storage(borrowing: region, owner: backing, isReadOnly: false)
      }
    }
    if e.isStored && !borrow {
      return try archive.storage(for: e, verifyingCRC: true)
    }
    if !e.isStored && borrow {
      // torch.load(mmap=True) maps compressed bytes silently (spec a.9); refuse instead.
      throw FormatError(
        .unsupported,
        "\(name): record is deflated (method \(e.method)); memory-mapped loading needs stored records, load without mmap"
      )
    }
    return try archive.storage(for: e, sha256Hex: Self.knownRecordDigests[e.name])
  }

  func entry(_ name: String) throws(FormatError) -> ZipEntry {
    guard let e = archive.entry(named: name) else {
      throw FormatError(
        .corrupt,
        "zip: record \(name) not found (PytorchStreamReader failed locating file \(name): file not found)"
      )
    }
    return e
  }
}

/// Writes records as torch.save does, through `TorchZipWriter` (which also computes torch's
/// `.data/serialization_id`).
struct TorchRecordWriter {
  private var writer: TorchZipWriter

  init(archiveName: String) { writer = TorchZipWriter(archiveName: archiveName) }

  mutating func add(_ name: String, _ data: UnsafeRawBufferPointer) {
    unsafe writer.addRecord(name: name, bytes: data)
  }

  mutating func add(_ name: String, _ bytes: [UInt8]) { writer.addRecord(name: name, bytes: bytes) }

  /// The id torch.save would write for the records added so far.
  var serializationID: String { writer.serializationID }

  func finish(serializationID: String) -> [UInt8] {
    writer.finish(serializationID: serializationID)
  }
}
