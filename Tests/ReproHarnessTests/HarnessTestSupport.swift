import Foundation
import ReproTensor

/// A tensor encoded by the Scripts/ as dtype, shape and the element bytes in hex.
struct EncodedTensor: Decodable, Sendable {
  var dtype: String
  var shape: [Int]
  var hex: String

  func tensor() throws -> Tensor {
    guard let dt = DType(pytorchName: dtype) else {
      throw TestSupportError("unknown dtype \(dtype)")
    }
    var bytes: [UInt8] = []
    var it = hex.utf8.makeIterator()
    while let hi = it.next(), let lo = it.next() {
      guard let h = hexValue(hi), let l = hexValue(lo) else { throw TestSupportError("bad hex") }
      bytes.append(h << 4 | l)
    }
    return try Tensor(
      storage: Storage(bytes: bytes), dtype: dt, shape: shape,
      strides: Tensor.contiguousStrides(for: shape))
  }

  private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    default: nil
    }
  }
}

struct TestSupportError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
