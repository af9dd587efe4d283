internal import CLibDeflate

/// Thin wrappers over libdeflate: the only file in ReproFormat that calls into `CLibDeflate`.
enum LibDeflate {
  /// The CRC-32 (ISO-HDLC, zip's and zlib's) of `bytes`, continuing from `crc`.
  ///
  /// libdeflate picks a PCLMULQDQ/VPCLMULQDQ folding loop at run time when the CPU has it
  /// (otherwise a table-driven loop); its values equal zlib's `crc32`.
  static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
    return unsafe libdeflate_crc32(crc, base, bytes.count)
  }
}
