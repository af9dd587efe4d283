/// File names as the system sees them, bytes, carried losslessly in a `String`.
///
/// POSIX file names are bytes, not text: `bad\xff.pt` is a valid name but not valid UTF-8, and
/// Swift's `String(cString:)` (which `CommandLine.arguments` uses) replaces the byte with U+FFFD,
/// so the file can be neither found nor created under its name. Here each byte that is not part
/// of valid UTF-8 is carried as the private-use scalar U+F700 + byte (U+F780 to U+F7FF), in the
/// manner of Python's `surrogateescape` (which uses lone surrogates, which a Swift `String`
/// cannot hold). So that every byte string round-trips, a valid scalar of that range in the
/// input is carried as its three UTF-8 bytes, each escaped. Names that are valid UTF-8 and free
/// of that range (all but pathological ones) are carried unchanged.
///
/// ``Syscalls`` turns paths back into bytes before every call, and `repro` reads its arguments
/// through ``commandLineArguments``, so a name asked for is the name opened or written.
///
/// ```swift
/// let s = PathBytes.string([0x62, 0xFF])   // "b\u{F7FF}"
/// PathBytes.bytes(s)                        // [0x62, 0xFF]
/// ```
public enum PathBytes {
  /// The scalars that carry a raw byte: U+F780 (byte 0x80) to U+F7FF (byte 0xFF).
  static let escapes: ClosedRange<UInt32> = 0xF780...0xF7FF

  /// A string carrying `bytes` exactly (see the type's description).
  public static func string(_ bytes: [UInt8]) -> String {
    if let text = String(validating: bytes, as: UTF8.self),
      !text.unicodeScalars.contains(where: { escapes.contains($0.value) })
    {
      return text
    }
    var scalars = String.UnicodeScalarView()
    var parser = Unicode.UTF8.ForwardParser()
    var input = bytes.makeIterator()
    var offset = 0
    func escape(_ count: Int) {
      for b in bytes[offset..<(offset + count)] {
        scalars.append(Unicode.Scalar(0xF700 + UInt32(b)) ?? "\u{FFFD}")
      }
    }
    while true {
      switch parser.parseScalar(from: &input) {
      case .valid(let encoded):
        let scalar = Unicode.UTF8.decode(encoded)
        if escapes.contains(scalar.value) {
          escape(encoded.count)
        } else {
          scalars.append(scalar)
        }
        offset += encoded.count
      case .error(let length):
        escape(length)
        offset += length
      case .emptyInput:
        return String(scalars)
      }
    }
  }

  /// The bytes `string` carries: escaped bytes as themselves, other scalars as UTF-8.
  public static func bytes(_ string: String) -> [UInt8] {
    guard string.unicodeScalars.contains(where: { escapes.contains($0.value) }) else {
      return Array(string.utf8)
    }
    var out: [UInt8] = []
    out.reserveCapacity(string.utf8.count)
    for scalar in string.unicodeScalars {
      if escapes.contains(scalar.value) {
        out.append(UInt8(scalar.value - 0xF700))
      } else {
        out += Array(String(scalar).utf8)
      }
    }
    return out
  }

  /// The process's arguments (without the program name), each carried byte for byte, unlike
  /// `CommandLine.arguments`, which replaces bytes that are not UTF-8.
  public static var commandLineArguments: [String] {
    let count = Int(CommandLine.argc)
    var out: [String] = []
    for i in 1..<max(count, 1) {
      guard let arg = unsafe CommandLine.unsafeArgv[i] else { continue }
      var bytes: [UInt8] = []
      var p = unsafe arg
      while unsafe p.pointee != 0 {
        unsafe bytes.append(UInt8(bitPattern: p.pointee))
        unsafe p += 1
      }
      out.append(string(bytes))
    }
    return out
  }

  /// Calls `body` with `path` as a NUL-terminated C string of the bytes it carries.
  static func withCString<R>(_ path: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
    let raw = bytes(path).map { CChar(bitPattern: $0) } + [0]
    return unsafe raw.withUnsafeBufferPointer { buffer in
      guard let start = buffer.baseAddress else { return unsafe "".withCString(body) }
      return unsafe body(start)
    }
  }
}
