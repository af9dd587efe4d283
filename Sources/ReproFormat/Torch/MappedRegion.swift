import ReproTensor

/// A range of a read-only file mapping as the bytes of a storage, read on demand (the legacy
/// format's storages when a file is read for verification).
///
/// Unlike a borrowed storage, the range needs no alignment: a legacy storage starts wherever
/// the pickles before it end. Readers that go through ``ReproTensor/TensorByteReader`` copy it
/// chunk by chunk and release the mapped pages behind them; anything that needs the whole storage
/// materializes one copy, as a load would have made.
struct MappedRegion: DeferredStorageContent {
  /// The whole mapped file (kept alive by the region).
  let file: Storage
  /// Where the bytes start in `file`.
  let offset: Int
  let byteCount: Int

  func makeProducer() -> any DeferredByteProducer { MappedRegionProducer(self) }
}

/// Copies a ``MappedRegion`` front to back and releases each part of the mapping once copied.
final class MappedRegionProducer: DeferredByteProducer {
  private let region: MappedRegion
  private var position = 0

  init(_ region: MappedRegion) { self.region = region }

  func produce(into buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count > 0 else { return }
    precondition(position + buffer.count <= region.byteCount, "read past a mapped region")
    let start = region.offset + position
    unsafe region.file.withUnsafeBytes { raw in
      let source = unsafe UnsafeRawBufferPointer(rebasing: raw[start..<(start + buffer.count)])
      unsafe buffer.copyMemory(from: source)
      unsafe region.file.releasePages(source)
    }
    position += buffer.count
  }
}
