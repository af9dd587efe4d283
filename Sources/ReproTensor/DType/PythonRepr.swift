/// CPython's `repr()` of the values a checkpoint holds, so that inventories, diffs and
/// comparison messages read exactly as Python prints them.
///
/// Each function follows CPython's own code (`unicode_repr`, `bytes_repr`, `float_repr`,
/// `complex_repr` in CPython 3.11) and is checked against `repr()` output for quotes,
/// backslashes, every control character, non-printable and printable non-ASCII text, and
/// hundreds of doubles (`Scripts/make_python_repr_vectors.py` → `Golden/python/repr.json`).
///
/// ```swift
/// PythonRepr.string("it's")        // "it's" in double quotes, as Python picks them
/// PythonRepr.float(1e16)           // 1e+16
/// PythonRepr.complex(real: 1, imaginary: -2.5)  // (1-2.5j)
/// ```
public enum PythonRepr {
  /// `repr(str)`: single quotes unless the text holds a single quote and no double quote;
  /// the quote, backslashes, `\t`, `\n`, `\r` escaped; other C0 controls and DEL as `\xNN`;
  /// non-ASCII kept when printable (`str.isprintable()`), else `\xNN`, `\uNNNN` or
  /// `\UNNNNNNNN`.
  public static func string(_ s: String) -> String {
    let quote: Unicode.Scalar = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
      switch scalar {
      case quote, "\\": out += "\\" + String(scalar)
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          out += hexEscape(scalar.value, prefix: "\\x", digits: 2)
        } else if scalar.value < 0x7F || isPrintable(scalar) {
          out.unicodeScalars.append(scalar)
        } else if scalar.value <= 0xFF {
          out += hexEscape(scalar.value, prefix: "\\x", digits: 2)
        } else if scalar.value <= 0xFFFF {
          out += hexEscape(scalar.value, prefix: "\\u", digits: 4)
        } else {
          out += hexEscape(scalar.value, prefix: "\\U", digits: 8)
        }
      }
    }
    out.unicodeScalars.append(quote)
    return out
  }

  /// `repr(bytes)`: `b'…'` with the same quote choice as `str`; printable ASCII kept, the
  /// quote and backslash escaped, `\t`, `\n`, `\r`, and `\xNN` for every other byte.
  public static func bytes(_ b: [UInt8]) -> String {
    let quote: UInt8 = b.contains(0x27) && !b.contains(0x22) ? 0x22 : 0x27
    var out = "b" + String(Unicode.Scalar(quote))
    for byte in b {
      switch byte {
      case quote, 0x5C: out += "\\" + String(Unicode.Scalar(byte))
      case 0x09: out += "\\t"
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
      default: out += hexEscape(UInt32(byte), prefix: "\\x", digits: 2)
      }
    }
    out.unicodeScalars.append(Unicode.Scalar(quote))
    return out
  }

  /// `repr(float)`: shortest round-trip digits, `nan`, `inf`, `-inf`, `1.0`, `1e-05`, `1e+16`
  /// (the same as `Scalar.pythonRepr(_:)`).
  public static func float(_ d: Double) -> String { Scalar.pythonRepr(d) }

  /// `repr(int)` of a fixed-width integer.
  public static func int(_ i: some BinaryInteger) -> String { String(i) }

  /// `repr(int)` of an integer of any size, given as pickle's LONG1/LONG4 payload
  /// (`pickle.encode_long`): little-endian two's complement bytes; empty means 0.
  public static func int(twosComplementLittleEndian bytes: [UInt8]) -> String {
    var magnitude = bytes
    let negative = (bytes.last ?? 0) & 0x80 != 0
    if negative {
      var carry = 1
      for i in magnitude.indices {
        let v = Int(~magnitude[i]) + carry
        magnitude[i] = UInt8(v & 0xFF)
        carry = v >> 8
      }
    }
    // Little-endian 32-bit limbs, then repeated division by 10^9.
    var limbs: [UInt32] = stride(from: 0, to: magnitude.count, by: 4).map { i in
      (0..<4).reduce(UInt32(0)) { acc, k in
        i + k < magnitude.count ? acc | UInt32(magnitude[i + k]) << (8 * UInt32(k)) : acc
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

  /// `repr(bool)`: `True` or `False`.
  public static func bool(_ b: Bool) -> String { b ? "True" : "False" }

  /// `repr(complex)`: `0j`, `(1.5+0j)`, `(1-2.5j)`, `(nan+infj)`, `-0j`.
  ///
  /// CPython formats both parts with `repr` but without forcing a `.0`, writes the imaginary
  /// part's sign (always `+` for NaN), and drops the real part and the parentheses when the
  /// real part is `+0.0`.
  public static func complex(real: Double, imaginary: Double) -> String {
    let im = bare(imaginary)
    if real == 0 && real.sign == .plus { return "\(im)j" }
    let sign = !imaginary.isNaN && imaginary.sign == .minus ? "" : "+"
    return "(\(bare(real))\(sign)\(im)j)"
  }

  /// The value as Python prints `tensor.item()`: `True`, `3`, `0.5`, `(1+2j)`.
  public static func scalar(_ s: Scalar) -> String {
    switch s {
    case .bool(let b): bool(b)
    case .int(let i): String(i)
    case .uint(let u): String(u)
    case .float(let d): float(d)
    case .complex(let re, let im): complex(real: re, imaginary: im)
    }
  }

  /// A Python tuple of ints: `()`, `(3,)`, `(1, 2)`.
  public static func tuple(_ values: [Int]) -> String {
    values.count == 1
      ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
  }

  /// `repr(torch.Size)`: `torch.Size([2, 3])`.
  public static func size(_ shape: [Int]) -> String {
    "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])"
  }

  /// A float as CPython's `repr` with no `.0` added (`1`, `0.5`, `1e+16`, `-0`, `nan`).
  private static func bare(_ d: Double) -> String {
    let s = float(d)
    return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
  }

  /// `prefix` and `value` in `digits` lowercase hex digits.
  private static func hexEscape(_ value: UInt32, prefix: String, digits: Int) -> String {
    let h = String(value, radix: 16)
    return prefix + String(repeating: "0", count: max(0, digits - h.count)) + h
  }

  /// CPython's `Py_UNICODE_ISPRINTABLE`: every character except those of the categories
  /// Other (Cc, Cf, Cs, Co, Cn) and Separator (Zl, Zp, Zs), with the space printable.
  private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == " " { return true }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator,
      .paragraphSeparator, .spaceSeparator:
      return false
    default:
      return true
    }
  }
}
