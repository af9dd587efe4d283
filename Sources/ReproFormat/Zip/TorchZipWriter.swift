/// Builds a PyTorch zip archive in memory, byte-identical to what torch.save (2.13) writes.
///
/// Records are written in the caller's order, each named `<archiveName>/<name>`, stored (no
/// compression) with its data at a multiple of the storage alignment, followed by a data
/// descriptor; ``finish(serializationID:)`` appends `.data/serialization_id`, the central
/// directory and the zip64 end records. For torch.save's exact output, add `data.pkl`,
/// `.format_version`, `.storage_alignment`, `byteorder`, `data/0`…, `version` in that order.
///
/// ```swift
/// var zip = TorchZipWriter(archiveName: "model")
/// zip.addRecord(name: "data.pkl", bytes: pickle)
/// // …
/// let file = zip.finish()          // serialization id computed as torch does
/// ```
///
/// For large saves use ``TorchZipStreamWriter``, which writes to a file as it goes.
public struct TorchZipWriter: Sendable {
  private var layout: TorchZipLayout
  private var output: [UInt8] = []

  /// Starts an archive whose records live in the folder `archiveName`.
  ///
  /// - Parameters:
  ///   - archiveName: the folder; torch.save uses the file's base name without its last
  ///     extension, or `archive` for buffers and non-ASCII paths.
  ///   - storageAlignment: the data alignment (torch's
  ///     `serialization.config.save.storage_alignment`, default 64).
  ///   - computesCRC32: `false` writes 0 in every CRC field, as
  ///     `torch.serialization.set_crc32_options(False)` does.
  public init(archiveName: String, storageAlignment: Int = 64, computesCRC32: Bool = true) {
    layout = TorchZipLayout(
      archiveName: archiveName, alignment: storageAlignment, computesCRC32: computesCRC32)
  }

  /// Appends the record `<archiveName>/<name>` holding `bytes`.
  ///
  /// - Precondition: the full name is at most 65535 UTF-8 bytes (a programmer error).
  public mutating func addRecord(name: String, bytes: UnsafeRawBufferPointer) {
    let crc = unsafe layout.computesCRC32 ? Zlib.crc32(bytes) : 0
    let (header, descriptor) = unsafe layout.addRecord(
      name: name, size: bytes.count, crc: crc,
      leading: UnsafeRawBufferPointer(rebasing: bytes.prefix(8)))
    output += header
    unsafe output.append(contentsOf: bytes)
    output += descriptor
  }

  /// Appends the record `<archiveName>/<name>` holding `bytes`.
  public mutating func addRecord(name: String, bytes: [UInt8]) {
    unsafe bytes.withUnsafeBytes { unsafe addRecord(name: name, bytes: $0) }
  }

  /// The number of bytes written so far (the offset of the next local header).
  public var byteCount: Int { layout.cursor }

  /// The serialization id torch.save would write after the records added so far
  /// (libstdc++ hashing, see torch-format.md a.8).
  public var serializationID: String { layout.serializationID }

  /// The finished archive: the records, `.data/serialization_id` holding `serializationID`,
  /// the central directory and the end records.
  public func finish(serializationID: String) -> [UInt8] {
    var copy = self
    copy.addRecord(name: ".data/serialization_id", bytes: Array(serializationID.utf8))
    return copy.output + copy.layout.endRecords()
  }

  /// The finished archive with the serialization id torch.save would compute.
  public func finish() -> [UInt8] { finish(serializationID: serializationID) }
}
