internal import CZlib

extension Zlib {
  /// The CRC-32 of `a + b` from the CRC-32 of `a`, the CRC-32 of `b` and `b`'s length (zlib's
  /// `crc32_combine`), so that pieces of one record can be checked on different cores.
  static func crc32Combine(_ crcA: UInt32, _ crcB: UInt32, lengthOfB: Int) -> UInt32 {
    UInt32(truncatingIfNeeded: crc32_combine(UInt(crcA), UInt(crcB), off_t(lengthOfB)))
  }
}
