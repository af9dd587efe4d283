public import ReproTensor

extension ZipArchive {
  /// Checks one record's CRC-32 in chunks of ``ReproTensor/StorageReader/chunkBytes``: a stored
  /// record is read in place (the pages of a mapped file are released behind the check), a
  /// deflated one is inflated as a stream and its size and end checked too.
  ///
  /// - Throws: `FormatError` as ``data(for:)`` (`.badCRC` when the CRC-32 differs).
  public func verifyCRCStreaming(of entry: ZipEntry) throws(FormatError) {
    try checkReadable(entry)
    let range = entry.dataOffset..<(entry.dataOffset + entry.compressedSize)
    if entry.isStored {
      guard entry.crc32 != 0 else { return }
      var crc: UInt32 = 0
      unsafe backing.forEachChunk(in: range) { crc = unsafe Zlib.crc32($0, continuing: crc) }
      try checkCRC(crc, byteCount: entry.compressedSize, entry)
      return
    }
    let record = InflatedRecord(archive: self, entry: entry)
    let stream = record.makeStream()
    let scratch = UnsafeMutableRawBufferPointer.allocate(
      byteCount: StorageReader.chunkBytes, alignment: 64)
    defer { unsafe scratch.deallocate() }
    var crc: UInt32 = 0
    var outcome = Zlib.InflateOutcome.invalid(reason: "not run")
    inflating: while true {
      // One byte more than declared may come out: that is the "more than declared" probe.
      let want = min(scratch.count, entry.uncompressedSize - stream.produced + 1)
      let step = unsafe stream.inflate(
        into: UnsafeMutableRawBufferPointer(rebasing: scratch[0..<want]))
      let written: Int
      switch step {
      case .filled: written = want
      case .ended(let w): written = w
      case .truncated(let w): written = w
      case .invalid(let reason):
        outcome = .invalid(reason: reason)
        break inflating
      }
      if stream.produced > entry.uncompressedSize {
        outcome = .outputFull
        break
      }
      crc = unsafe Zlib.crc32(
        UnsafeRawBufferPointer(rebasing: scratch[0..<written]), continuing: crc)
      switch step {
      case .ended:
        outcome = .finished(written: stream.produced, consumed: stream.consumed)
        break inflating
      case .truncated:
        outcome = .truncated(written: stream.produced)
        break inflating
      default: continue
      }
    }
    try checkInflate(outcome, entry)
    if entry.crc32 != 0 { try checkCRC(crc, byteCount: entry.uncompressedSize, entry) }
  }

  /// The record as a storage for reading it: a stored record borrowed from ``backing`` (as
  /// ``storage(for:verifyingCRC:)`` gives it), a deflated one checked by a streaming pass
  /// (``verifyCRCStreaming(of:)``) and then deferred (``ReproTensor/Storage/init(deferring:)``):
  /// readers inflate it again as a stream, chunk by chunk, and only a reader that needs all of it
  /// at once holds it whole.
  ///
  /// - Throws: `FormatError` as ``data(for:)``.
  public func streamingStorage(for entry: ZipEntry) throws(FormatError) -> Storage {
    if entry.isStored { return try storage(for: entry) }
    try verifyCRCStreaming(of: entry)
    return Storage(deferring: InflatedRecord(archive: self, entry: entry))
  }

  /// Checks every record's CRC-32 in chunks (``verifyCRCStreaming(of:)``), on every core,
  /// largest first.
  ///
  /// - Throws: `FormatError` for the first record, in archive order, that fails.
  public func verifyCRCsStreaming() throws(FormatError) {
    _ = try verifyConcurrently(entries) { (e) throws(FormatError) in
      try verifyCRCStreaming(of: e)
    }
  }

  func checkCRC(_ actual: UInt32, byteCount: Int, _ entry: ZipEntry) throws(FormatError) {
    guard actual == entry.crc32 else {
      throw FormatError(
        .badCRC,
        "record '\(entry.name)' (local header at offset \(entry.localHeaderOffset)): CRC-32 of "
          + "its \(byteCount) bytes is \(hex(actual)) but the central directory says "
          + "\(hex(entry.crc32))")
    }
  }
}

/// A deflated zip record whose bytes are produced by inflating it again on demand.
struct InflatedRecord: DeferredStorageContent {
  /// The archive's bytes (kept alive: the compressed bytes are read in place).
  let backing: Storage
  let entry: ZipEntry

  init(archive: ZipArchive, entry: ZipEntry) {
    backing = archive.backing
    self.entry = entry
  }

  var byteCount: Int { entry.uncompressedSize }

  func makeStream() -> InflateStream {
    let input = unsafe backing.withUnsafeBytes { raw in
      unsafe UnsafeRawBufferPointer(
        rebasing: raw[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
    }
    return unsafe InflateStream(input: input)
  }

  func makeProducer() -> any DeferredByteProducer { InflatedRecordProducer(self) }
}

/// Inflates an ``InflatedRecord`` front to back.
final class InflatedRecordProducer: DeferredByteProducer {
  private let record: InflatedRecord
  private let stream: InflateStream

  init(_ record: InflatedRecord) {
    self.record = record
    stream = record.makeStream()
  }

  func produce(into buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count > 0 else { return }
    let step = unsafe stream.inflate(into: buffer)
    let complete: Bool
    switch step {
    case .filled: complete = true
    case .ended(let written): complete = written == buffer.count
    default: complete = false
    }
    precondition(
      complete,
      "record '\(record.entry.name)' no longer inflates as when it was checked (\(step)): was the file changed?"
    )
  }
}
