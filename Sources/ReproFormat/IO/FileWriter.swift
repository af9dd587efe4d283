/// An output file descriptor that counts what it has written.
///
/// Every ``writebackInterval`` bytes it starts the kernel's writeback of what it wrote, without
/// waiting (`sync_file_range` on Linux): the disk writes while the next bytes are produced, and
/// the `fsync` that ends an atomic save has only the tail left to wait for.
///
/// It does not own the descriptor: whoever opened it closes it (``AtomicFile`` does).
/// Short writes and `EINTR` are retried; failures throw `FormatError` with code `.io`.
public struct FileWriter: Sendable {
  /// The descriptor written to.
  public let fileDescriptor: Int32
  /// A name for error messages (usually the path).
  public let path: String
  /// The number of bytes written so far through this writer.
  public private(set) var bytesWritten: Int = 0
  /// `bytesWritten` when writeback was last started.
  private var writebackStartedAt = 0
  /// How many bytes are written between two starts of writeback.
  static let writebackInterval = 8 << 20

  /// Wraps an open, writable descriptor.
  ///
  /// - Parameters:
  ///   - fileDescriptor: a descriptor opened for writing; it stays open after use.
  ///   - path: the name used in error messages.
  public init(fileDescriptor: Int32, path: String) {
    self.fileDescriptor = fileDescriptor
    self.path = path
  }

  /// Writes all of `bytes`.
  ///
  /// - Throws: `FormatError` (`.io`) when the system refuses the write (disk full, closed fd).
  public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
    unsafe try Syscalls.write(fileDescriptor, bytes, path: path)
    bytesWritten += bytes.count
    if bytesWritten - writebackStartedAt >= Self.writebackInterval {
      Syscalls.startWriteback(fileDescriptor)
      writebackStartedAt = bytesWritten
    }
  }

  /// Writes all of `bytes`.
  ///
  /// - Throws: `FormatError` (`.io`) when the system refuses the write.
  public mutating func write(_ bytes: [UInt8]) throws(FormatError) {
    unsafe try bytes.withBytes { (raw) throws(FormatError) in unsafe try write(raw) }
  }
}
