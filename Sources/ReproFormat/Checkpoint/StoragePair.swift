import ReproTensor

/// Two storages by the address and length of their bytes: a record of each file that
/// ``CheckpointDiff`` found byte-equal, recognised again when a tensor borrows it.
struct StoragePair: Hashable {
  let first: UInt
  let second: UInt
  let firstCount: Int
  let secondCount: Int

  init(_ a: Storage, _ b: Storage) {
    first = unsafe a.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
    second = unsafe b.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
    firstCount = a.byteCount
    secondCount = b.byteCount
  }
}
