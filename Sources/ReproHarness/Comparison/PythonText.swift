import Foundation
import ReproTensor

/// Python's spellings of values, so messages read exactly like `torch.testing.assert_close`'s.
enum PythonText {
  /// `repr(float)`: `1.0`, `1e-05`, `nan`, `inf`, `-inf`.
  static func float(_ d: Double) -> String { Scalar.pythonRepr(d) }

  /// `repr(complex)`: `0j`, `(1.5+0j)`, `(1-2.5j)`, `(nan+infj)`.
  ///
  /// CPython formats both parts with `repr` but without forcing a `.0`, and drops the real part
  /// and the parentheses when the real part is `+0.0`.
  static func complex(real: Double, imaginary: Double) -> String {
    let im = bare(imaginary)
    if real == 0 && real.sign == .plus { return "\(im)j" }
    let sign = imaginary.sign == .minus || (imaginary.isNaN && imaginary.sign == .minus) ? "" : "+"
    return "(\(bare(real))\(sign)\(im)j)"
  }

  /// A float as CPython's `repr` with no `.0` added (`1`, `0.5`, `1e+16`, `-0`).
  private static func bare(_ d: Double) -> String {
    let s = Scalar.pythonRepr(d)
    return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
  }

  /// A scalar as Python prints the value of `tensor.item()`.
  static func scalar(_ s: Scalar) -> String {
    switch s {
    case .bool(let b): b ? "True" : "False"
    case .int(let i): String(i)
    case .uint(let u): String(u)
    case .float(let d): float(d)
    case .complex(let re, let im): complex(real: re, imaginary: im)
    }
  }

  /// A Python tuple of ints: `()`, `(3,)`, `(1, 2)`.
  static func tuple(_ values: [Int]) -> String {
    values.count == 1
      ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
  }

  /// `torch.Size([2, 3])`.
  static func size(_ shape: [Int]) -> String {
    "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])"
  }

  /// `repr(str)`: single quotes unless the text holds a single quote and no double quote;
  /// backslashes, the quote and control characters escaped.
  static func string(_ s: String) -> String {
    let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if Character(scalar) == quote {
          out += "\\\(quote)"
        } else if scalar.value < 0x20 || scalar.value == 0x7F {
          out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out.append(quote)
    return out
  }

  /// Python's `f"{x:.1%}"`: `x * 100` with one decimal and a percent sign.
  static func percent(_ x: Double) -> String {
    let scaled = x * 100
    return formatFixed(scaled, decimals: 1) + "%"
  }

  /// Fixed-point text with correct rounding of the binary value (as C's `%.Nf` and Python do).
  static func formatFixed(_ x: Double, decimals: Int) -> String {
    if !x.isFinite { return float(x) }
    // glibc's printf rounds the exact binary value to nearest-even, as CPython's formatter does.
    return String(format: "%.\(decimals)f", x)
  }
}
