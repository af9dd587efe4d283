// The start address of a buffer that the caller knows is non-empty, in one place instead of a
// force unwrap of `baseAddress` at every kernel.

extension UnsafeRawBufferPointer {
  /// The address of the first byte.
  ///
  /// Calling it on a buffer without an address (an empty buffer) is a programmer error and traps.
  package var start: UnsafeRawPointer {
    guard let base = baseAddress else { preconditionFailure("an empty buffer has no address") }
    return unsafe base
  }
}

extension UnsafeMutableRawBufferPointer {
  /// The address of the first byte.
  ///
  /// Calling it on a buffer without an address (an empty buffer) is a programmer error and traps.
  package var start: UnsafeMutableRawPointer {
    guard let base = baseAddress else { preconditionFailure("an empty buffer has no address") }
    return unsafe base
  }
}

extension UnsafeBufferPointer {
  /// The address of the first element.
  ///
  /// Calling it on a buffer without an address (an empty buffer) is a programmer error and traps.
  package var start: UnsafePointer<Element> {
    guard let base = baseAddress else { preconditionFailure("an empty buffer has no address") }
    return unsafe base
  }
}

extension UnsafeMutableBufferPointer {
  /// The address of the first element.
  ///
  /// Calling it on a buffer without an address (an empty buffer) is a programmer error and traps.
  package var start: UnsafeMutablePointer<Element> {
    guard let base = baseAddress else { preconditionFailure("an empty buffer has no address") }
    return unsafe base
  }
}
