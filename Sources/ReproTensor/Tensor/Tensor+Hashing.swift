internal import Crypto

extension Tensor {
  /// The lowercase hex SHA-256 of the tensor's contiguous little-endian bytes, as the interop
  /// inventories record it (`hashlib.sha256(t.contiguous().numpy().tobytes())`).
  ///
  /// The bytes are hashed in chunks (``forEachByteChunk(_:)``): nothing is copied for a
  /// contiguous tensor, the pages of a mapped file are released behind the hash, and a deferred
  /// storage (an inflated zip record) is streamed.
  ///
  /// A tensor that is all of a storage whose digest is known (``Storage/knownSHA256Hex``: a zip
  /// record hashed while its CRC-32 was checked) is not read again.
  public func sha256Hex() -> String {
    if let known = storage.knownSHA256Hex, isContiguous, storageOffset == 0,
      count * dtype.elementSize == storage.byteCount
    {
      return known
    }
    var hasher = SHA256Hasher()
    unsafe forEachByteChunk { unsafe hasher.update($0) }
    return hasher.finalizeHex()
  }
}

/// An incremental SHA-256 (swift-crypto, which uses the CPU's SHA extensions where it has them),
/// for readers that hash bytes as they stream them.
public struct SHA256Hasher {
  private var state = SHA256()

  /// A hasher that has seen no bytes.
  public init() {}

  /// Adds `bytes` to the hashed stream.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) {
    unsafe state.update(bufferPointer: bytes)
  }

  /// The lowercase hex digest of every byte added.
  public func finalizeHex() -> String { SHA256Digest.render(state.finalize()) }
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
    var hasher = SHA256Hasher()
    unsafe storage.forEachChunk(in: 0..<storage.byteCount) { unsafe hasher.update($0) }
    return hasher.finalizeHex()
  }

  /// The lowercase hex SHA-256 of the bytes in `buffer`.
  public static func hex(of buffer: UnsafeRawBufferPointer) -> String {
    var hasher = SHA256Hasher()
    unsafe hasher.update(buffer)
    return hasher.finalizeHex()
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
