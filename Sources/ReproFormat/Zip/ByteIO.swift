/// Little-endian reads from a bounds-checked byte region and appends for the writer.
///
/// `LEBytes` never reads outside `bytes`: every multi-byte read goes through ``require``, which
/// throws a `.truncated` `FormatError` naming the structure and the offset.
@safe struct LEBytes {
  let bytes: UnsafeRawBufferPointer
  var count: Int { unsafe bytes.count }

  /// Throws unless `[offset, offset + length)` lies inside the region.
  func require(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws(FormatError)
  {
    guard offset >= 0, length >= 0, offset <= count, length <= count - offset else {
      throw FormatError(
        .truncated,
        "\(what()) at offset \(offset) needs \(length) bytes but the file has \(count) bytes")
    }
  }

  /// Whether the 4 bytes at `offset` exist and equal `signature`.
  func hasSignature(_ signature: UInt32, at offset: Int) -> Bool {
    offset >= 0 && offset <= count - 4 && u32(offset) == signature
  }

  // Unchecked loads: callers have called `require` for the enclosing structure.
  func u16(_ offset: Int) -> UInt16 {
    unsafe UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
  }
  func u32(_ offset: Int) -> UInt32 {
    unsafe UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
  }
  func u64(_ offset: Int) -> UInt64 {
    unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }
  func slice(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
    unsafe UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
  }
}

extension Array where Element == UInt8 {
  mutating func appendLE(_ v: UInt16) {
    unsafe Swift.withUnsafeBytes(of: v.littleEndian) { unsafe append(contentsOf: $0) }
  }
  mutating func appendLE(_ v: UInt32) {
    unsafe Swift.withUnsafeBytes(of: v.littleEndian) { unsafe append(contentsOf: $0) }
  }
  mutating func appendLE(_ v: UInt64) {
    unsafe Swift.withUnsafeBytes(of: v.littleEndian) { unsafe append(contentsOf: $0) }
  }
}

/// Zip signatures (little-endian `PK..`).
enum ZipSignature {
  static let localHeader: UInt32 = 0x0403_4B50
  static let centralHeader: UInt32 = 0x0201_4B50
  static let dataDescriptor: UInt32 = 0x0807_4B50
  static let endOfCentralDirectory: UInt32 = 0x0605_4B50
  static let zip64EndOfCentralDirectory: UInt32 = 0x0606_4B50
  static let zip64Locator: UInt32 = 0x0706_4B50
}

/// Formats `value` as `0x` + hex, for offsets and CRCs in messages.
func hex<T: BinaryInteger>(_ value: T) -> String { "0x" + String(value, radix: 16) }

extension Array where Element == UInt8 {
  /// `withUnsafeBytes` with a typed-throwing body (the standard one only rethrows `any Error`).
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(FormatError) -> R)
    throws(FormatError) -> R
  {
    let result: Result<R, FormatError> = unsafe withUnsafeBytes { raw in
      do throws(FormatError) { return unsafe .success(try body(raw)) } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }
}
