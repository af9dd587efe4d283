import Foundation
import Synchronization
import Testing

@testable import ReproTensor

/// Bytes `(i * 7 + 3) & 0xFF`, produced on demand; counts the bytes it produced.
private struct PatternContent: DeferredStorageContent {
  let byteCount: Int
  let produced = Counter()

  final class Counter: Sendable {
    let value = Mutex(0)
  }

  static func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i &* 7 &+ 3) }

  func makeProducer() -> any DeferredByteProducer { Producer(self) }

  final class Producer: DeferredByteProducer {
    let content: PatternContent
    var position = 0
    init(_ content: PatternContent) { self.content = content }

    func produce(into buffer: UnsafeMutableRawBufferPointer) {
      precondition(position + buffer.count <= content.byteCount, "asked past the end")
      for k in 0..<buffer.count { unsafe buffer[k] = PatternContent.byte(position + k) }
      position += buffer.count
      content.produced.value.withLock { $0 += buffer.count }
    }
  }
}

private func pattern(_ range: Range<Int>) -> [UInt8] { range.map(PatternContent.byte) }

/// Reads everything `reader` has left in chunks of `chunk` bytes.
private func drain(_ reader: StorageReader, chunk: Int) -> [UInt8] {
  var out: [UInt8] = []
  while reader.remaining > 0 { unsafe reader.withNext(chunk) { unsafe out += Array($0) } }
  return out
}

@Suite struct StorageReaderTests {
  @Test(arguments: [1, 3, 4096, 4099, 1 << 20])
  func readerGivesTheRangeInChunksOfAnySize(chunk: Int) {
    let bytes = pattern(0..<10_007)
    let storage = Storage(bytes: bytes)
    let got = drain(StorageReader(storage, range: 5..<10_004), chunk: chunk)
    #expect(got == Array(bytes[5..<10_004]))
  }

  @Test(arguments: [1, 1000, 4099, 1 << 20])
  func deferredStorageIsStreamedWithoutBeingHeld(chunk: Int) {
    let content = PatternContent(byteCount: 100_003)
    let storage = Storage(deferring: content)
    #expect(storage.isDeferred && storage.isReadOnly && storage.byteCount == 100_003)
    let got = drain(StorageReader(storage, range: 17..<100_000), chunk: chunk)
    #expect(got == pattern(17..<100_000))
    // Produced from the start (the first 17 bytes dropped), never held.
    #expect(content.produced.value.withLock { $0 } == 100_000)
    #expect(storage.isDeferred)
  }

  @Test func deferredStorageIsProducedOnceWhenReadWhole() {
    let content = PatternContent(byteCount: 5000)
    let storage = Storage(deferring: content)
    #expect(storage.bytes == pattern(0..<5000))
    #expect(storage.bytes == pattern(0..<5000))
    #expect(!storage.isDeferred)
    #expect(content.produced.value.withLock { $0 } == 5000)
    // Once held, readers read the held bytes.
    #expect(drain(StorageReader(storage, range: 10..<20), chunk: 3) == pattern(10..<20))
    #expect(content.produced.value.withLock { $0 } == 5000)
  }

  @Test func tensorByteReaderGathersViewsInRowMajorOrder() throws {
    let t = Tensor((0..<2100).map { Float($0) }, shape: [300, 7])
    let views = [
      try t.transposed(0, 1),
      try t.slice(dim: 0, start: 3, end: 299, step: 5),
      try t.slice(dim: 0, start: 10, end: 20),
    ]
    for view in views {
      let reader = TensorByteReader(view)
      var got: [UInt8] = []
      while reader.remainingElements > 0 {
        unsafe reader.withNext(elements: 13) { unsafe got += Array($0) }
      }
      #expect(got == view.contiguousBytes(), "shape \(view.shape) strides \(view.strides)")
    }
  }

  @Test func sha256OfADeferredTensorEqualsTheHeldOnesAndLeavesItDeferred() throws {
    let count = (StorageReader.chunkBytes + 4096) / 4 * 2 + 3  // more than two chunks
    let deferred = Storage(deferring: PatternContent(byteCount: count * 4))
    let held = Storage(bytes: pattern(0..<(count * 4)))
    let a = try Tensor(storage: deferred, dtype: .float32, shape: [count], strides: [1])
    let b = try Tensor(storage: held, dtype: .float32, shape: [count], strides: [1])
    #expect(a.sha256Hex() == b.sha256Hex())
    #expect(a.sha256Hex() == SHA256Digest.hex(of: pattern(0..<(count * 4))))
    #expect(deferred.isDeferred)
    #expect(SHA256Digest.hex(ofChunksOf: deferred) == b.sha256Hex())
  }
}
