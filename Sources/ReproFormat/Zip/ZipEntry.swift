/// One record of a zip archive, as its central directory describes it.
///
/// Sizes and offsets are already widened from zip64 extra fields where the 32-bit fields are
/// saturated (`0xFFFFFFFF`), and ``dataOffset`` comes from the local header (its name and extra
/// lengths may differ from the central directory's, as PyTorch's "FB" padding does).
public struct ZipEntry: Sendable, Hashable, CustomStringConvertible {
  /// The full name inside the archive, for example `model/data.pkl`.
  public var name: String
  /// The compression method: 0 stored, 8 deflated (others are listed but cannot be read).
  public var method: UInt16
  /// The CRC-32 the central directory declares (0 also when the writer skipped CRCs).
  public var crc32: UInt32
  /// The number of bytes the record occupies in the file.
  public var compressedSize: Int
  /// The number of bytes after decompression.
  public var uncompressedSize: Int
  /// The offset of the record's local file header.
  public var localHeaderOffset: Int
  /// The offset of the record's first data byte.
  public var dataOffset: Int
  /// The general-purpose flags of the central directory entry (bit 3: data descriptor,
  /// bit 11: UTF-8 name).
  public var flags: UInt16 = 0

  /// Creates an entry description.
  public init(
    name: String, method: UInt16, crc32: UInt32, compressedSize: Int, uncompressedSize: Int,
    localHeaderOffset: Int, dataOffset: Int, flags: UInt16 = 0
  ) {
    self.name = name
    self.method = method
    self.crc32 = crc32
    self.compressedSize = compressedSize
    self.uncompressedSize = uncompressedSize
    self.localHeaderOffset = localHeaderOffset
    self.dataOffset = dataOffset
    self.flags = flags
  }

  /// Whether the bytes are stored as is (method 0), so they can be borrowed without a copy.
  public var isStored: Bool { method == 0 }
  /// Whether the record is encrypted (flag bit 0); such records cannot be read.
  public var isEncrypted: Bool { flags & 0x0001 != 0 }
  /// Whether sizes and CRC follow the data in a data descriptor (flag bit 3).
  public var hasDataDescriptor: Bool { flags & 0x0008 != 0 }

  /// `name (method m, n bytes at offset o)`.
  public var description: String {
    "\(name) (method \(method), \(compressedSize) bytes at offset \(dataOffset))"
  }
}
