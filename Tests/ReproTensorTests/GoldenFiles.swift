import Foundation

/// Locating and decoding the committed golden files (no PyTorch needed).
enum GoldenFiles {
  /// A malformed golden file.
  struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// Decodes lowercase or uppercase hex.
  static func bytes(hex: String) throws -> [UInt8] {
    let utf8 = Array(hex.utf8)
    guard utf8.count % 2 == 0 else { throw Failure("odd-length hex string") }
    func nibble(_ c: UInt8) throws -> UInt8 {
      switch c {
      case 48...57: return c - 48
      case 97...102: return c - 87
      case 65...70: return c - 55
      default: throw Failure("bad hex digit \(c)")
      }
    }
    var out = [UInt8]()
    out.reserveCapacity(utf8.count / 2)
    var i = 0
    while i < utf8.count {
      out.append(try nibble(utf8[i]) << 4 | nibble(utf8[i + 1]))
      i += 2
    }
    return out
  }

  /// Lowercase hex of some bytes.
  static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
  }
}

extension GoldenFiles {
  /// `dict[key]` as a `T`, or a failure naming the key.
  static func field<T>(_ dict: [String: Any], _ key: String, as: T.Type = T.self) throws -> T {
    guard let v = dict[key] as? T else {
      throw Failure("golden field \(key) missing or not \(T.self)")
    }
    return v
  }

  /// `dict[key]`, a hex string, decoded.
  static func hexField(_ dict: [String: Any], _ key: String) throws -> [UInt8] {
    try bytes(hex: try field(dict, key, as: String.self))
  }
}
