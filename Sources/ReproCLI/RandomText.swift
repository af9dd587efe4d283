public import ReproTensor

/// How `repro random` prints a tensor: values one per line, or a JSON object with the bits.
public enum RandomText {
  /// Each element as the shortest decimal that reads back to it in its own dtype.
  public static func values(_ t: Tensor) -> [String] {
    switch t.dtype {
    case .float32: t.toArray(of: Float.self).map { $0.description }
    case .float64: t.toArray(of: Double.self).map { $0.description }
    case .float16: t.toArray(of: Float16.self).map { $0.description }
    case .bfloat16: t.toArray(of: BFloat16.self).map { $0.description }
    default: t.scalars().map { $0.description }
    }
  }

  /// Each element's bit pattern as fixed-width lowercase hex.
  public static func bitPatterns(_ t: Tensor) -> [String] {
    let bytes = t.contiguousBytes()
    let width = t.dtype.elementSize
    let digits = Array("0123456789abcdef")
    return stride(from: 0, to: bytes.count, by: width).map { start in
      var s = ""
      for b in bytes[start..<(start + width)].reversed() {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 15)])
      }
      return s
    }
  }

  /// `{"shape":[…],"dtype":"…","values":[…],"bits":["…"]}` on one line.
  public static func json(_ t: Tensor) -> String {
    let shape = t.shape.map(String.init).joined(separator: ",")
    let values = values(t).joined(separator: ",")
    let bits = bitPatterns(t).map { "\"\($0)\"" }.joined(separator: ",")
    return
      "{\"shape\":[\(shape)],\"dtype\":\"\(t.dtype.pytorchName)\",\"values\":[\(values)],\"bits\":[\(bits)]}"
  }
}
