/// Writes a PyTorch zip archive to a file descriptor record by record, byte-identical to
/// ``TorchZipWriter`` (and torch.save) but never holding more than one record's header in
/// memory: suited to multi-gigabyte saves, with zip64 fields where sizes or offsets reach 4 GiB.
///
/// ```swift
/// try AtomicFile.write(to: url) { out in
///   var zip = TorchZipStreamWriter(archiveName: "model", output: out)
///   try zip.addRecord(name: "data.pkl", bytes: pickle)
///   // …
///   try zip.finish()
///   out = zip.output
/// }
/// ```
public struct TorchZipStreamWriter: Sendable {
  private var layout: TorchZipLayout
  /// The destination (it counts the bytes written).
  public private(set) var output: FileWriter

  /// Starts an archive written to `output`, from the descriptor's current position.
  ///
  /// - Parameters: as ``TorchZipWriter/init(archiveName:storageAlignment:computesCRC32:)``,
  ///   plus `output`, the destination.
  public init(
    archiveName: String, output: FileWriter, storageAlignment: Int = 64,
    computesCRC32: Bool = true
  ) {
    layout = TorchZipLayout(
      archiveName: archiveName, alignment: storageAlignment, computesCRC32: computesCRC32)
    self.output = output
  }

  /// Starts an archive written to the open descriptor `fileDescriptor` (not closed here).
  public init(
    archiveName: String, fileDescriptor: Int32, path: String = "<fd>",
    storageAlignment: Int = 64, computesCRC32: Bool = true
  ) {
    self.init(
      archiveName: archiveName, output: FileWriter(fileDescriptor: fileDescriptor, path: path),
      storageAlignment: storageAlignment, computesCRC32: computesCRC32)
  }

  /// Writes the record `<archiveName>/<name>` holding `bytes`.
  ///
  /// - Throws: `FormatError` (`.io`) when writing fails; the file is then incomplete.
  public mutating func addRecord(name: String, bytes: UnsafeRawBufferPointer) throws(FormatError) {
    let crc = unsafe layout.computesCRC32 ? Zlib.crc32(bytes) : 0
    let (header, descriptor) = unsafe layout.addRecord(
      name: name, size: bytes.count, crc: crc,
      leading: UnsafeRawBufferPointer(rebasing: bytes.prefix(8)))
    try output.write(header)
    unsafe try output.write(bytes)
    try output.write(descriptor)
  }

  /// Writes the record `<archiveName>/<name>` holding `bytes`.
  public mutating func addRecord(name: String, bytes: [UInt8]) throws(FormatError) {
    unsafe try bytes.withBytes { (b) throws(FormatError) in
      unsafe try addRecord(name: name, bytes: b)
    }
  }

  /// The serialization id torch.save would write after the records written so far.
  public var serializationID: String { layout.serializationID }

  /// Writes `.data/serialization_id` (the given id, or the one torch would compute), the
  /// central directory and the end records.
  ///
  /// - Throws: `FormatError` (`.io`) when writing fails.
  public mutating func finish(serializationID: String? = nil) throws(FormatError) {
    let id = serializationID ?? layout.serializationID
    try addRecord(name: ".data/serialization_id", bytes: Array(id.utf8))
    try output.write(layout.endRecords())
  }
}
