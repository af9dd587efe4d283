import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport

/// Access to Golden/pytorch/pickle (made by Scripts/make_pickle_oracles.py with torch 2.13).
enum PickleGolden {
  static let root = Repository.golden("pytorch/pickle")

  static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

  static func bytes(_ path: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: url(path)))) ?? []
  }

  static func json(_ path: String) -> [String: Any] {
    (try? TestJSON.object(from: url(path))) ?? [:]
  }

  static var files: [String: Any] { json("files/expected.json") }
  static var fileNames: [String] { files.keys.sorted() }
  static var zipFileNames: [String] {
    fileNames.filter {
      ((files[$0] as? [String: Any])?["format"] as? String) == "zip" && !$0.hasSuffix("_bigendian")
    }
  }

  /// The records of a stored zip, by name, read with the test's own tiny parser (central
  /// directory), independent of the library.
  static func records(_ zip: [UInt8]) -> [(name: String, data: [UInt8])] {
    func u16(_ o: Int) -> Int { Int(zip[o]) | Int(zip[o + 1]) << 8 }
    func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
    guard
      let eocd = stride(from: zip.count - 22, through: 0, by: -1).first(where: {
        u32($0) == 0x0605_4B50
      })
    else { return [] }
    var p = u32(eocd + 16)
    var out: [(String, [UInt8])] = []
    for _ in 0..<u16(eocd + 10) {
      let size = u32(p + 24)
      let nlen = u16(p + 28)
      let xlen = u16(p + 30)
      let clen = u16(p + 32)
      let lho = u32(p + 42)
      let name = String(decoding: zip[(p + 46)..<(p + 46 + nlen)], as: UTF8.self)
      let data = lho + 30 + u16(lho + 26) + u16(lho + 28)
      out.append((name, Array(zip[data..<(data + size)])))
      p += 46 + nlen + xlen + clen
    }
    return out
  }
}

/// One tensor leaf with its path, as the oracle script's `leaves` lists them.
struct TensorLeaf {
  var path: [String]
  var tensor: Tensor
  var isParameter: Bool
}

func tensorLeaves(_ v: PickleValue, path: [String] = [], into out: inout [TensorLeaf]) {
  switch v {
  case .shared(let s): tensorLeaves(s.value, path: path, into: &out)
  case .tensor(let t): out.append(TensorLeaf(path: path, tensor: t, isParameter: false))
  case .parameter(let t): out.append(TensorLeaf(path: path, tensor: t, isParameter: true))
  case .dict(let p), .orderedDict(let p, _):
    for pair in p {
      let k: String
      switch pair.key.unshared {
      case .string(let s): k = s
      case .int(let i): k = String(i)
      default: k = "?"
      }
      tensorLeaves(pair.value, path: path + [k], into: &out)
    }
  case .list(let x), .tuple(let x):
    for (i, e) in x.enumerated() { tensorLeaves(e, path: path + [String(i)], into: &out) }
  default: break
  }
}
