internal import Crypto

extension Tensor {
  /// The lowercase hex SHA-256 of the tensor's contiguous little-endian bytes, as the interop
  /// inventories record it (`hashlib.sha256(t.contiguous().numpy().tobytes())`).
  public func sha256Hex() -> String {
    SHA256Digest.hex(of: contiguousBytes())
  }
}

/// SHA-256 of byte buffers, as lowercase hex.
public enum SHA256Digest {
  /// The lowercase hex SHA-256 of `bytes`.
  public static func hex(of bytes: [UInt8]) -> String {
    unsafe bytes.withUnsafeBytes { unsafe hex(of: $0) }
  }

  /// The lowercase hex SHA-256 of the bytes in `buffer`.
  public static func hex(of buffer: UnsafeRawBufferPointer) -> String {
    var hasher = SHA256()
    unsafe hasher.update(bufferPointer: buffer)
    return render(hasher.finalize())
  }

  private static func render(_ digest: SHA256.Digest) -> String {
    let digits: [Character] = Array("0123456789abcdef")
    var s = ""
    s.reserveCapacity(64)
    for b in digest {
      s.append(digits[Int(b >> 4)])
      s.append(digits[Int(b & 15)])
    }
    return s
  }
}
