internal import Crypto

extension Tensor {
  /// The lowercase hex SHA-256 of the tensor's contiguous little-endian bytes, as the interop
  /// inventories record it (`hashlib.sha256(t.contiguous().numpy().tobytes())`).
  ///
  /// The bytes are hashed in chunks (``forEachByteChunk(_:)``): nothing is copied for a
  /// contiguous tensor, the pages of a mapped file are released behind the hash, and a deferred
  /// storage (an inflated zip record) is streamed.
  public func sha256Hex() -> String {
    var hasher = SHA256()
    unsafe forEachByteChunk { unsafe hasher.update(bufferPointer: $0) }
    return SHA256Digest.render(hasher.finalize())
  }
}

/// SHA-256 of byte buffers, as lowercase hex.
public enum SHA256Digest {
  /// The lowercase hex SHA-256 of `bytes`.
  public static func hex(of bytes: [UInt8]) -> String {
    unsafe bytes.withUnsafeBytes { unsafe hex(of: $0) }
  }

  /// The lowercase hex SHA-256 of a storage's bytes, read in chunks through a
  /// ``StorageReader`` (mapped pages released behind the hash, deferred bytes streamed).
  public static func hex(ofChunksOf storage: Storage) -> String {
    var hasher = SHA256()
    unsafe storage.forEachChunk(in: 0..<storage.byteCount) {
      unsafe hasher.update(bufferPointer: $0)
    }
    return render(hasher.finalize())
  }

  /// The lowercase hex SHA-256 of the bytes in `buffer`.
  public static func hex(of buffer: UnsafeRawBufferPointer) -> String {
    var hasher = SHA256()
    unsafe hasher.update(bufferPointer: buffer)
    return render(hasher.finalize())
  }

  static func render(_ digest: SHA256.Digest) -> String {
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
