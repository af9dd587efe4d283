/// A JSON value that keeps the key order of its objects (Foundation's dictionaries lose it).
enum HeaderJSON: Equatable {
  case object([(key: String, value: HeaderJSON)])
  case array([HeaderJSON])
  case string(String)
  /// The number's text as written (`12`, `-1`, `1.5e3`); callers decide what they accept.
  case number(String)
  case bool(Bool)
  case null

  static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)):
      x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.array(let x), .array(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    default: false
    }
  }

  /// A short name of the value's kind for error messages (`a string`, `an integer`).
  var kindDescription: String {
    switch self {
    case .object: "an object"
    case .array: "an array"
    case .string: "a string"
    case .number(let text):
      text.contains(where: { ".eE".contains($0) }) ? "a floating-point number" : "an integer"
    case .bool: "a boolean"
    case .null: "null"
    }
  }
}

/// A bounds-checked JSON parser (RFC 8259) over bytes, as strict as serde_json: no trailing
/// commas, no comments, no control characters inside strings, only whitespace after the value.
///
/// Errors are thrown as `(message, byteOffset)` via `HeaderJSONParser.Failure`; nesting deeper
/// than `maximumDepth` is refused instead of overflowing the stack.
struct HeaderJSONParser {
  struct Failure: Error {
    var message: String
    var offset: Int
  }

  static let maximumDepth = 128

  private let bytes: [UInt8]
  private var at = 0

  /// Parses one JSON document filling all of `bytes` (surrounding whitespace allowed).
  static func parse(_ bytes: [UInt8]) throws(Failure) -> HeaderJSON {
    var p = HeaderJSONParser(bytes: bytes)
    p.skipWhitespace()
    let value = try p.parseValue(depth: 0)
    p.skipWhitespace()
    if p.at < bytes.count {
      throw Failure(
        message: "trailing characters (byte 0x\(String(bytes[p.at], radix: 16)))", offset: p.at)
    }
    return value
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private mutating func skipWhitespace() {
    while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
  }

  private func fail(_ message: String) -> Failure { Failure(message: message, offset: at) }

  private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
    guard at < bytes.count else { throw fail("unexpected end of header, expected \(what)") }
    guard bytes[at] == byte else { throw fail("expected \(what)") }
    at += 1
  }

  private mutating func parseValue(depth: Int) throws(Failure) -> HeaderJSON {
    guard depth < HeaderJSONParser.maximumDepth else {
      throw fail("nesting deeper than \(HeaderJSONParser.maximumDepth) levels")
    }
    guard at < bytes.count else { throw fail("unexpected end of header, expected a value") }
    switch bytes[at] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw fail("expected a value")
    }
  }

  private mutating func literal(_ word: String) throws(Failure) {
    for b in word.utf8 { try expect(b, "`\(word)`") }
  }

  private mutating func parseObject(depth: Int) throws(Failure) -> HeaderJSON {
    at += 1  // {
    var members: [(key: String, value: HeaderJSON)] = []
    skipWhitespace()
    if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
      at += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else {
        throw fail(
          at < bytes.count ? "expected a string key" : "unexpected end of header inside an object")
      }
      let key = try parseString()
      skipWhitespace()
      try expect(UInt8(ascii: ":"), "`:`")
      skipWhitespace()
      members.append((key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      guard at < bytes.count else { throw fail("unexpected end of header inside an object") }
      if bytes[at] == UInt8(ascii: ",") {
        at += 1
        continue
      }
      try expect(UInt8(ascii: "}"), "`,` or `}`")
      return .object(members)
    }
  }

  private mutating func parseArray(depth: Int) throws(Failure) -> HeaderJSON {
    at += 1  // [
    var items: [HeaderJSON] = []
    skipWhitespace()
    if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
      at += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard at < bytes.count else { throw fail("unexpected end of header inside an array") }
      if bytes[at] == UInt8(ascii: ",") {
        at += 1
        continue
      }
      try expect(UInt8(ascii: "]"), "`,` or `]`")
      return .array(items)
    }
  }

  private mutating func parseNumber() throws(Failure) -> String {
    let start = at
    func digits(_ p: inout HeaderJSONParser) -> Int {
      let s = p.at
      while p.at < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.at]) {
        p.at += 1
      }
      return p.at - s
    }
    if bytes[at] == UInt8(ascii: "-") { at += 1 }
    let intStart = at
    let n = digits(&self)
    guard n > 0 else { throw fail("invalid number") }
    if n > 1, bytes[intStart] == UInt8(ascii: "0") {
      throw Failure(message: "invalid number (leading zero)", offset: intStart)
    }
    if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
      at += 1
      guard digits(&self) > 0 else { throw fail("invalid number") }
    }
    if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
      at += 1
      if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") {
        at += 1
      }
      guard digits(&self) > 0 else { throw fail("invalid number") }
    }
    return String(decoding: bytes[start..<at], as: UTF8.self)
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard at + 4 <= bytes.count else { throw fail("unexpected end of header in a \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[at]
      let d: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
      default: throw fail("invalid \\u escape")
      }
      v = v << 4 | UInt32(d)
      at += 1
    }
    return v
  }

  private mutating func parseString() throws(Failure) -> String {
    at += 1  // opening quote
    var out: [UInt8] = []
    while true {
      guard at < bytes.count else { throw fail("unexpected end of header inside a string") }
      let c = bytes[at]
      if c == UInt8(ascii: "\"") {
        at += 1
        break
      }
      if c < 0x20 { throw fail("control character 0x\(String(c, radix: 16)) inside a string") }
      if c != UInt8(ascii: "\\") {
        out.append(c)
        at += 1
        continue
      }
      at += 1
      guard at < bytes.count else { throw fail("unexpected end of header in an escape") }
      let e = bytes[at]
      at += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
          guard at + 2 <= bytes.count, bytes[at] == UInt8(ascii: "\\"),
            bytes[at + 1] == UInt8(ascii: "u")
          else {
            throw fail("unpaired surrogate in a \\u escape")
          }
          at += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else {
            throw fail("unpaired surrogate in a \\u escape")
          }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
          throw fail("unpaired surrogate in a \\u escape")
        }
        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
        out.append(contentsOf: Array(String(Character(u)).utf8))
      default:
        throw Failure(message: "invalid escape `\\\(Character(Unicode.Scalar(e)))`", offset: at - 1)
      }
    }
    // The whole header was checked to be UTF-8 before parsing, and escapes produce valid scalars.
    return String(decoding: out, as: UTF8.self)
  }
}
