import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// A hyper-parameter recorded with its Python type by Scripts/make_optim_goldens.py.
enum TypedValue: Decodable, Sendable, Equatable {
  case int(Int64)
  case float(Double)
  case bool(Bool)
  case none
  case tuple([TypedValue])

  init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    if let v = try c.decodeIfPresent(Int64.self, forKey: .int) {
      self = .int(v)
    } else if let v = try c.decodeIfPresent(Double.self, forKey: .float) {
      self = .float(v)
    } else if let v = try c.decodeIfPresent(Bool.self, forKey: .bool) {
      self = .bool(v)
    } else if let v = try c.decodeIfPresent([TypedValue].self, forKey: .tuple) {
      self = .tuple(v)
    } else {
      self = .none
    }
  }
  enum Key: String, CodingKey { case int, float, bool, none, tuple }

  var number: PythonNumber? {
    switch self {
    case .int(let i): .int(i)
    case .float(let d): .float(d)
    default: nil
    }
  }

  var pair: (Double, Double)? {
    guard case .tuple(let v) = self, v.count == 2, let a = v[0].number, let b = v[1].number else {
      return nil
    }
    return (a.doubleValue, b.doubleValue)
  }

  /// The value as Repro pickles it (a tuple as one shared object, like a Python tuple).
  var pickleValue: PickleValue {
    switch self {
    case .int(let i): .int(i)
    case .float(let d): .float(d)
    case .bool(let b): .bool(b)
    case .none: .none
    case .tuple(let v): .shared(PickleShared(.tuple(v.map(\.pickleValue))))
    }
  }

  /// Whether a loaded pickled value is this value with the same Python type.
  func matches(_ v: PickleValue) -> Bool {
    switch (self, v.unshared) {
    case (.int(let a), .int(let b)): a == b
    case (.float(let a), .float(let b)): a.bitPattern == b.bitPattern
    case (.bool(let a), .bool(let b)): a == b
    case (.none, .none): true
    default: false
    }
  }
}

/// A `[key, value]` pair of the golden JSON.
struct KeyedValue: Decodable, Sendable {
  let key: String
  let value: TypedValue
  init(from decoder: any Decoder) throws {
    var c = try decoder.unkeyedContainer()
    key = try c.decode(String.self)
    value = try c.decode(TypedValue.self)
  }
}

/// A `[key, value]` pair of a param group: the value is typed, or the `params` index list.
struct GroupOption: Decodable, Sendable {
  let key: String
  let value: TypedValue?
  let params: [Int]?
  init(from decoder: any Decoder) throws {
    var c = try decoder.unkeyedContainer()
    key = try c.decode(String.self)
    if key == "params" {
      params = try c.decode([Int].self)
      value = nil
    } else {
      value = try c.decode(TypedValue.self)
      params = nil
    }
  }
}

/// Golden files and bit helpers shared by the optimizer, scaler and checkpoint tests.
enum OptimGolden {
  static var folder: URL { Repository.golden("pytorch/optim") }

  static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

  static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url(name))) }

  /// The float32 bits of a tensor as the script writes them (`%08x` per element).
  static func hex(_ t: Tensor) -> String {
    t.toArray(of: Float.self).map { String(format: "%08x", $0.bitPattern) }.joined()
  }

  static func words(_ hex: String) -> [UInt32] {
    let chars = Array(hex.utf8)
    return stride(from: 0, to: chars.count, by: 8).map {
      UInt32(String(decoding: chars[$0..<$0 + 8], as: UTF8.self), radix: 16) ?? 0
    }
  }

  /// A float32 tensor of `shape` from hex bits.
  static func tensor(_ hex: String, shape: [Int]) -> Tensor {
    Tensor(words(hex).map { Float(bitPattern: $0) }, shape: shape)
  }

  /// How many elements differ and the largest distance in units in the last place.
  static func difference(_ got: String, _ want: String) -> (count: Int, maxULP: UInt32) {
    let a = words(got)
    let b = words(want)
    guard a.count == b.count else { return (max(a.count, b.count), .max) }
    var n = 0
    var ulp: UInt32 = 0
    for (x, y) in zip(a, b) where x != y {
      n += 1
      func key(_ w: UInt32) -> Int64 { w & 0x8000_0000 != 0 ? -Int64(w & 0x7FFF_FFFF) : Int64(w) }
      ulp = max(ulp, UInt32(clamping: abs(key(x) - key(y))))
    }
    return (n, ulp)
  }

  /// Parameters drawn as the script draws them: `randn(shape)` in order from one generator.
  static func parameters(seed: Int64, shapes: [[Int]]) throws -> [Parameter] {
    let g = Generator(seed: UInt64(bitPattern: seed))
    return try shapes.map { Parameter(try g.randn(shape: $0)) }
  }

  /// The bytes torch.save writes for `value` saved under the file name `file`.
  static func serialized(_ value: PickleValue, as file: String) throws -> [UInt8] {
    try Checkpoint(root: value).serialized(
      format: .torch, archiveName: try TorchFile.archiveName(forPath: file))
  }

  /// Index of the first differing byte, for messages.
  static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    if a == b { return nil }
    return zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(a.count, b.count)
  }
}
