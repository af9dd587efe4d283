import Synchronization

/// Bytes of a storage produced on demand instead of held in memory, for example a deflated zip
/// record that is inflated as a stream (see ``Storage/init(deferring:)``).
public protocol DeferredStorageContent: Sendable {
  /// The number of bytes produced.
  var byteCount: Int { get }

  /// A new producer of the bytes, front to back from byte 0.
  func makeProducer() -> any DeferredByteProducer
}

/// Produces a deferred storage's bytes front to back.
public protocol DeferredByteProducer: AnyObject {
  /// Writes the next `buffer.count` bytes into `buffer`.
  ///
  /// Callers never ask for bytes past ``DeferredStorageContent/byteCount``. The content is
  /// checked when it is deferred, so producing it does not fail; a producer whose source changed
  /// since (a file rewritten under a mapping) traps, as reading a truncated mapping does.
  func produce(into buffer: UnsafeMutableRawBufferPointer)
}

/// The bytes of a deferred storage once something needed them all at once.
///
/// Sendable invariant: the address is written once, under the lock, and the bytes behind it are
/// never written again.
final class DeferredBytes: @unchecked Sendable {
  let content: any DeferredStorageContent
  private let address = Mutex<UInt>(0)

  init(_ content: any DeferredStorageContent) { self.content = content }

  /// Whether the bytes were produced and are held.
  var isMaterialized: Bool { address.withLock { $0 != 0 } }

  /// The held bytes, produced on the first call.
  func materialized() -> UnsafeMutableRawPointer {
    let bits = address.withLock { bits -> UInt in
      if bits == 0 {
        let count = content.byteCount
        let buffer = UnsafeMutableRawPointer.allocate(
          byteCount: Swift.max(count, 1), alignment: 64)
        if count > 0 {
          unsafe content.makeProducer().produce(
            into: UnsafeMutableRawBufferPointer(start: buffer, count: count))
        }
        bits = UInt(bitPattern: buffer)
      }
      return bits
    }
    guard let pointer = unsafe UnsafeMutableRawPointer(bitPattern: bits) else {
      preconditionFailure("deferred storage without bytes")
    }
    return unsafe pointer
  }

  deinit {
    let bits = address.withLock { $0 }
    if let pointer = unsafe UnsafeMutableRawPointer(bitPattern: bits) {
      unsafe pointer.deallocate()
    }
  }
}
