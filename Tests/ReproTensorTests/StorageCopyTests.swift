import Foundation
import Testing

@testable import ReproTensor

private func bytes(of storage: Storage) -> [UInt8] {
  unsafe storage.withUnsafeBytes { unsafe Array($0) }
}

/// `Storage(bytes:)` takes any collection of bytes: contiguous ones are copied in one block,
/// others element by element; both must give the same bytes.
@Suite struct StorageCopyTests {
  let source: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) }

  @Test func anArrayIsCopiedWhole() {
    let storage = Storage(bytes: source)
    #expect(storage.byteCount == 1000)
    #expect(bytes(of: storage) == source)
  }

  @Test func aSliceStartsAtItsOwnFirstIndex() {
    let slice = source[137..<900]
    #expect(bytes(of: Storage(bytes: slice)) == Array(slice))
    let data = Data(source)[300..<301]
    #expect(bytes(of: Storage(bytes: data)) == [source[300]])
  }

  @Test func collectionsWithoutContiguousStorageAreCopiedByElement() {
    let reversed = source.reversed()
    #expect(bytes(of: Storage(bytes: reversed)) == Array(reversed))
    let mapped = source.lazy.map { $0 ^ 0xA5 }
    #expect(bytes(of: Storage(bytes: mapped)) == Array(mapped))
  }

  @Test func emptyCollectionsGiveEmptyStorages() {
    #expect(Storage(bytes: [UInt8]()).byteCount == 0)
    #expect(Storage(bytes: source[5..<5]).byteCount == 0)
    #expect(Storage(bytes: EmptyCollection<UInt8>()).byteCount == 0)
    #expect(Storage(copying: UnsafeRawBufferPointer(start: nil, count: 0)).byteCount == 0)
  }

  @Test func aCopyOfARawBufferHoldsItsBytes() {
    let storage = unsafe source.withUnsafeBytes { unsafe Storage(copying: $0) }
    #expect(bytes(of: storage) == source)
  }
}
