/// A bounds-checked cursor over pickle bytes.
///
/// Every read checks the bytes left first and
/// throws a `FormatError` naming the opcode and its offset.
struct PickleReader {
  let bytes: [UInt8]
  var position: Int
  let context: String
  /// The offset and name of the opcode being executed, for error messages.
  var opcodeOffset = 0
  var opcodeName = "?"

  init(bytes: [UInt8], position: Int, context: String) {
    self.bytes = bytes
    self.position = position
    self.context = context
  }

  var remaining: Int { bytes.count - position }

  func error(_ code: FormatError.Code, _ what: String) -> FormatError {
    FormatError(
      code, "\(context): \(opcodeName) at offset 0x\(String(opcodeOffset, radix: 16)): \(what)")
  }

  mutating func byte() throws(FormatError) -> UInt8 {
    guard position < bytes.count else {
      throw error(.truncated, "argument needs 1 byte but the pickle ends")
    }
    defer { position += 1 }
    return bytes[position]
  }

  /// Checks that `count` bytes are left (a declared length) before anything is allocated.
  mutating func take(_ count: Int, what: String = "argument") throws(FormatError) -> ArraySlice<
    UInt8
  > {
    guard count >= 0, count <= remaining else {
      throw error(.truncated, "\(what) length \(count) exceeds the \(remaining) bytes left")
    }
    defer { position += count }
    return bytes[position..<position + count]
  }

  mutating func uint16() throws(FormatError) -> UInt16 {
    let s = try take(2)
    return UInt16(s[s.startIndex]) | UInt16(s[s.startIndex + 1]) << 8
  }

  mutating func uint32() throws(FormatError) -> UInt32 {
    let s = try take(4)
    var v: UInt32 = 0
    for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
    return v
  }

  mutating func uint64() throws(FormatError) -> UInt64 {
    let s = try take(8)
    var v: UInt64 = 0
    for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
    return v
  }

  mutating func bigEndianDouble() throws(FormatError) -> Double {
    let s = try take(8)
    var v: UInt64 = 0
    for b in s { v = v << 8 | UInt64(b) }
    return Double(bitPattern: v)
  }

  /// A declared length read as u64, checked against the bytes left.
  mutating func length(_ raw: UInt64, what: String) throws(FormatError) -> Int {
    guard raw <= UInt64(remaining) else {
      throw error(.truncated, "\(what) length \(raw) exceeds the \(remaining) bytes left")
    }
    return Int(raw)
  }

  /// The bytes up to the next newline (excluded); the newline is consumed.
  mutating func line() throws(FormatError) -> ArraySlice<UInt8> {
    guard let end = bytes[position...].firstIndex(of: 0x0A) else {
      throw error(.truncated, "text argument has no terminating newline before the end")
    }
    defer { position = end + 1 }
    return bytes[position..<end]
  }

  mutating func utf8Line(what: String) throws(FormatError) -> String {
    let l = try line()
    guard let s = String(validating: l, as: UTF8.self) else {
      throw error(.corrupt, "\(what) is not valid UTF-8")
    }
    return s
  }

  /// Decodes UTF-8 allowing encoded surrogates (Python's `surrogatepass`); lone surrogates
  /// become U+FFFD since Swift strings cannot hold them.
  func decodeUTF8(_ s: ArraySlice<UInt8>, what: String) throws(FormatError) -> String {
    if let v = String(validating: s, as: UTF8.self) { return v }
    // surrogatepass: ED A0..BF xx encodes a surrogate; accept and replace.
    var scalars = String.UnicodeScalarView()
    var i = s.startIndex
    while i < s.endIndex {
      let b0 = s[i]
      let n: Int =
        b0 < 0x80 ? 1 : b0 >> 5 == 0b110 ? 2 : b0 >> 4 == 0b1110 ? 3 : b0 >> 3 == 0b11110 ? 4 : 0
      guard n > 0, i + n <= s.endIndex else {
        throw error(.corrupt, "\(what) is not valid UTF-8 at byte \(i - s.startIndex)")
      }
      var cp = n == 1 ? UInt32(b0) : UInt32(b0) & (0xFF >> (n + 1))
      for k in 1..<n {
        let b = s[i + k]
        guard b & 0xC0 == 0x80 else {
          throw error(.corrupt, "\(what) is not valid UTF-8 at byte \(i - s.startIndex)")
        }
        cp = cp << 6 | UInt32(b & 0x3F)
      }
      if let u = Unicode.Scalar(cp) {
        scalars.append(u)
      } else if (0xD800...0xDFFF).contains(cp) {
        scalars.append("\u{FFFD}")
      } else {
        throw error(.corrupt, "\(what) is not valid UTF-8 at byte \(i - s.startIndex)")
      }
      i += n
    }
    return String(scalars)
  }
}

/// Text decoders of the protocol 0 opcodes.
enum PickleText {
  /// Parses a decimal integer (optional sign, optional trailing `L`) into two's complement bytes.
  static func integerBytes(_ text: ArraySlice<UInt8>) -> [UInt8]? {
    var digits = text
    if digits.last == UInt8(ascii: "L") { digits = digits.dropLast() }
    var negative = false
    if let f = digits.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
      negative = f == UInt8(ascii: "-")
      digits = digits.dropFirst()
    }
    guard !digits.isEmpty, digits.count <= 20_000,
      digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
    else { return nil }
    var limbs: [UInt32] = [0]  // little-endian magnitude
    for d in digits {
      var carry = UInt64(d - 0x30)
      for i in limbs.indices {
        let v = UInt64(limbs[i]) * 10 + carry
        limbs[i] = UInt32(truncatingIfNeeded: v)
        carry = v >> 32
      }
      if carry > 0 { limbs.append(UInt32(carry)) }
    }
    var bytes: [UInt8] = []
    for l in limbs {
      for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: l >> (8 * UInt32(k)))) }
    }
    bytes.append(0)  // sign byte
    if negative {
      var carry = 1
      for i in bytes.indices {
        let v = Int(~bytes[i]) + carry
        bytes[i] = UInt8(truncatingIfNeeded: v)
        carry = v >> 8
      }
    }
    return bytes
  }

  /// Decodes a Python 2 `repr` of a byte string (`'abc\n'` with escapes) as used by `STRING`.
  static func quotedBytes(_ text: ArraySlice<UInt8>) -> [UInt8]? {
    guard text.count >= 2, let q = text.first, q == UInt8(ascii: "'") || q == UInt8(ascii: "\""),
      text.last == q
    else { return nil }
    let body = Array(text.dropFirst().dropLast())
    var out: [UInt8] = []
    var i = 0
    while i < body.count {
      let c = body[i]
      guard c == UInt8(ascii: "\\") else {
        out.append(c)
        i += 1
        continue
      }
      guard i + 1 < body.count else { return nil }
      let e = body[i + 1]
      i += 2
      switch e {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "a"): out.append(0x07)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "v"): out.append(0x0B)
      case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
      case UInt8(ascii: "\n"): break
      case UInt8(ascii: "x"):
        guard i + 2 <= body.count,
          let v = UInt8(String(decoding: body[i..<i + 2], as: UTF8.self), radix: 16)
        else { return nil }
        out.append(v)
        i += 2
      case UInt8(ascii: "0")...UInt8(ascii: "7"):
        var v = Int(e - 0x30)
        var k = 0
        while k < 2, i < body.count, (0x30...0x37).contains(body[i]) {
          v = v * 8 + Int(body[i] - 0x30)
          i += 1
          k += 1
        }
        out.append(UInt8(truncatingIfNeeded: v))
      default:
        out.append(UInt8(ascii: "\\"))
        out.append(e)
      }
    }
    return out
  }

  /// Decodes Python's `raw-unicode-escape` (`UNICODE`): `\uXXXX`, `\UXXXXXXXX`, other bytes latin-1.
  static func rawUnicodeEscape(_ text: ArraySlice<UInt8>) -> String? {
    let b = Array(text)
    var scalars = String.UnicodeScalarView()
    var i = 0
    while i < b.count {
      if b[i] == UInt8(ascii: "\\"), i + 1 < b.count,
        b[i + 1] == UInt8(ascii: "u") || b[i + 1] == UInt8(ascii: "U")
      {
        let n = b[i + 1] == UInt8(ascii: "u") ? 4 : 8
        guard i + 2 + n <= b.count,
          let v = UInt32(String(decoding: b[i + 2..<i + 2 + n], as: UTF8.self), radix: 16)
        else { return nil }
        scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
        i += 2 + n
      } else {
        scalars.append(Unicode.Scalar(b[i]))
        i += 1
      }
    }
    return String(scalars)
  }
}
