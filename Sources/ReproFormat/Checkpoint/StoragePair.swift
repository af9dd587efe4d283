import ReproTensor

/// Two storages by the address and length of their bytes: a record of each file that
/// ``CheckpointDiff`` found byte-equal, recognised again when a tensor borrows it.
struct StoragePair: Hashable {
  let first: UInt
  let second: UInt
  let firstCount: Int
  let secondCount: Int

  init(_ a: Storage, _ b: Storage) {
    first = Self.address(a)
    second = Self.address(b)
    firstCount = a.byteCount
    secondCount = b.byteCount
  }

  /// The address of a storage's bytes; for deferred bytes (a deflated record), which are not
  /// held and must not be produced for this, the storage object's own address.
  private static func address(_ s: Storage) -> UInt {
    if s.isDeferred { return UInt(bitPattern: ObjectIdentifier(s)) }
    return unsafe s.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
  }
}
