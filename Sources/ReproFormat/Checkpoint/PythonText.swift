import ReproTensor

/// Python's text forms of pickled values (`repr`, `str`, decimal big ints), for inventories and
/// messages.
enum PythonText {
  static func hexByte(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
  }

  /// The decimal digits of a two's complement big int.
  static func decimal(_ big: PickleBigInt) -> String {
    // Magnitude as little-endian 32-bit limbs, then repeated division by 10^9.
    var bytes = big.bytes
    let negative = big.isNegative
    if negative {
      var carry = 1
      for i in bytes.indices {
        let v = Int(~bytes[i]) + carry
        bytes[i] = UInt8(v & 0xFF)
        carry = v >> 8
      }
    }
    var limbs: [UInt32] = stride(from: 0, to: bytes.count, by: 4).map { i in
      (0..<4).reduce(UInt32(0)) { acc, k in
        i + k < bytes.count ? acc | UInt32(bytes[i + k]) << (8 * UInt32(k)) : acc
      }
    }
    var chunks: [UInt32] = []
    while limbs.contains(where: { $0 != 0 }) {
      var rem: UInt64 = 0
      for i in stride(from: limbs.count - 1, through: 0, by: -1) {
        let cur = rem << 32 | UInt64(limbs[i])
        limbs[i] = UInt32(cur / 1_000_000_000)
        rem = cur % 1_000_000_000
      }
      chunks.append(UInt32(rem))
    }
    guard let top = chunks.last else { return "0" }
    var s = String(top)
    for c in chunks.dropLast().reversed() {
      let d = String(c)
      s += String(repeating: "0", count: 9 - d.count) + d
    }
    return (negative ? "-" : "") + s
  }

  /// Python's `str()` of a scalar (strings unquoted).
  static func str(_ v: PickleValue) -> String {
    if case .string(let s) = v.unshared { return s }
    return repr(v)
  }

  /// An approximation of Python's `repr()`, exact for scalars and containers of scalars.
  static func repr(_ v: PickleValue) -> String {
    switch v.unshared {
    case .none: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .bigInt(let b): return decimal(b)
    case .float(let d): return Scalar.pythonRepr(d)
    case .string(let s): return "'" + s.replacingAll("\\", "\\\\").replacingAll("'", "\\'") + "'"
    case .bytes(let b): return "b'" + b.map { "\\x" + hexByte($0) }.joined() + "'"
    case .tuple(let items):
      return items.count == 1
        ? "(\(repr(items[0])),)" : "(" + items.map(repr).joined(separator: ", ") + ")"
    case .list(let items): return "[" + items.map(repr).joined(separator: ", ") + "]"
    case .set(let items):
      return items.isEmpty ? "set()" : "{" + items.map(repr).joined(separator: ", ") + "}"
    case .frozenSet(let items):
      return "frozenset({" + items.map(repr).joined(separator: ", ") + "})"
    case .dict(let pairs), .orderedDict(let pairs, _):
      return "{" + pairs.map { repr($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
    case .global(let module, let name): return "<\(module).\(name)>"
    case .object(let o): return "<\(o.qualifiedName) object>"
    case .tensor(let t), .parameter(let t): return "tensor(shape=\(t.shape), dtype=\(t.dtype))"
    case .storage(let s): return "<\(s.dtype.storageClassName) \(s.key)>"
    case .reduce(let c, let a): return "\(repr(c))\(repr(a))"
    case .build(let o, _): return repr(o)
    case .persistentID(let p): return "persistent_id(\(repr(p)))"
    case .shared(let s): return repr(s.value)
    case .backReference(let r):
      // Python's recursive repr: `{...}` for a dict, `[...]` for a list.
      switch r.target?.value {
      case .dict?: return "{...}"
      case .list?: return "[...]"
      default: return "..."
      }
    }
  }
}

extension String {
  func replacingAll(_ target: String, _ replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}

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
