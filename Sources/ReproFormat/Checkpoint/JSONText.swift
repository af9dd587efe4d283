/// Minimal JSON text building with RFC 8259 string escaping.
public enum JSONText {
  /// A JSON string literal, escaping quotes, backslashes and control characters; non-ASCII
  /// characters are written as `\uXXXX` (surrogate pairs beyond the BMP), as Python's
  /// `json.dumps(ensure_ascii=True)` does.
  public static func string(_ s: String) -> String {
    var out = "\""
    for u in s.utf16 {
      switch u {
      case 0x22: out += "\\\""
      case 0x5C: out += "\\\\"
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0x08: out += "\\b"
      case 0x0C: out += "\\f"
      case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(u)))
      default:
        let h = String(u, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      }
    }
    return out + "\""
  }

  /// A JSON array of already-encoded values.
  public static func array(_ items: [String]) -> String {
    "[" + items.joined(separator: ", ") + "]"
  }
}
