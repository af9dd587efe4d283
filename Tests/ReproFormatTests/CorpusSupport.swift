import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// Reading the PyTorch-made corpora under Golden/ (interop inventories, malformed manifest).
enum Corpus {
  /// The repository root (the folder holding Package.swift).
  static let root: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        break
      }
    }
    return url
  }()

  /// Parses JSON written by Python's `json` module, whose `NaN`, `Infinity` and `-Infinity`
  /// tokens and ints beyond 64 bits Foundation refuses: they become the strings `"NaN"`,
  /// `"Infinity"`, `"-Infinity"` and the integer's digits.
  static func pythonJSON(_ data: Data) throws -> Any {
    var out: [UInt8] = []
    out.reserveCapacity(data.count + 64)
    let bytes = [UInt8](data)
    var i = 0
    var inString = false
    while i < bytes.count {
      let c = bytes[i]
      if inString {
        out.append(c)
        if c == UInt8(ascii: "\\") && i + 1 < bytes.count {
          out.append(bytes[i + 1])
          i += 2
          continue
        }
        if c == UInt8(ascii: "\"") { inString = false }
        i += 1
        continue
      }
      if c == UInt8(ascii: "\"") { inString = true }
      // Integers beyond 64 bits (Python ints of any size) become strings of their digits.
      let startsNumber =
        (c >= 0x30 && c <= 0x39)
        || (c == UInt8(ascii: "-") && i + 1 < bytes.count && bytes[i + 1] >= 0x30
          && bytes[i + 1] <= 0x39)
      if startsNumber {
        var j = i + (c == UInt8(ascii: "-") ? 1 : 0)
        while j < bytes.count, bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
        let isFloat =
          j < bytes.count
          && [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[j])
        if isFloat {
          // Copy the whole float token so its digits are not read as a separate integer.
          let numberBytes: Set<UInt8> = Set(Array("0123456789.eE+-".utf8))
          while j < bytes.count, numberBytes.contains(bytes[j]) { j += 1 }
          out += bytes[i..<j]
        } else if j - i > 18 {
          out += [UInt8(ascii: "\"")] + bytes[i..<j] + [UInt8(ascii: "\"")]
        } else {
          out += bytes[i..<j]
        }
        i = j
        continue
      }
      var replaced = false
      for token in ["-Infinity", "Infinity", "NaN"] {
        let t = Array(token.utf8)
        if bytes.count - i >= t.count && Array(bytes[i..<(i + t.count)]) == t {
          out += Array("\"\(token)\"".utf8)
          i += t.count
          replaced = true
          break
        }
      }
      if !replaced {
        out.append(c)
        i += 1
      }
    }
    return try JSONSerialization.jsonObject(with: Data(out))
  }

  /// The bytes of a gzip file (RFC 1952: header, optional name, raw deflate, trailer).
  static func gunzip(_ gz: [UInt8]) throws -> [UInt8] {
    struct GzipError: Error, CustomStringConvertible { var description: String }
    guard gz.count > 18, gz[0] == 0x1F, gz[1] == 0x8B, gz[2] == 8 else {
      throw GzipError(description: "not gzip")
    }
    let flags = gz[3]
    var p = 10
    if flags & 4 != 0 { p += 2 + (Int(gz[p]) | Int(gz[p + 1]) << 8) }
    if flags & 8 != 0 {
      while gz[p] != 0 { p += 1 }
      p += 1
    }
    if flags & 16 != 0 {
      while gz[p] != 0 { p += 1 }
      p += 1
    }
    if flags & 2 != 0 { p += 2 }
    let n = gz[(gz.count - 4)...].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    var out = [UInt8](repeating: 0, count: n)
    let outcome = gz[p..<(gz.count - 8)].withUnsafeBytes { src in
      out.withUnsafeMutableBytes { Zlib.inflateRaw(src, into: $0) }
    }
    guard case .finished(let written, _) = outcome, written == n else {
      throw GzipError(description: "inflate: \(outcome)")
    }
    return out
  }

  /// One interop case: a PyTorch-made file and its inventory.
  struct InteropCase: CustomTestStringConvertible, Sendable {
    let folder: String
    let name: String
    var testDescription: String { "\(folder)/\(name)" }

    var expectedURL: URL {
      Corpus.root.appendingPathComponent("Golden/pytorch/\(folder)/\(name).expected.json")
    }

    func expected() throws -> [String: Any] {
      try Corpus.pythonJSON(Data(contentsOf: expectedURL)) as? [String: Any] ?? [:]
    }

    /// The file's bytes (inflated for `.pt.gz` cases).
    func fileURL(in tmp: URL) throws -> URL {
      let doc = try expected()
      let dir = expectedURL.deletingLastPathComponent()
      if let stored = doc["stored_as"] as? String, stored.hasSuffix(".gz") {
        let out = tmp.appendingPathComponent(doc["file"] as? String ?? name)
        try Data(Corpus.gunzip([UInt8](Data(contentsOf: dir.appendingPathComponent(stored)))))
          .write(to: out)
        return out
      }
      return dir.appendingPathComponent(doc["file"] as? String ?? name)
    }
  }

  /// Every interop case with a file (inventory-only cases such as resnet18 are left out).
  static func interopCases() -> [InteropCase] {
    var out: [InteropCase] = []
    for folder in ["interop", "gpu", "realworld"] {
      let dir = root.appendingPathComponent("Golden/pytorch/\(folder)")
      let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
      for file in names.sorted() where file.hasSuffix(".expected.json") {
        let name = String(file.dropLast(".expected.json".count))
        let doc = (try? InteropCase(folder: folder, name: name).expected()) ?? [:]
        let stored = doc["stored_as"] as? String ?? doc["file"] as? String ?? ""
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent(stored).path) {
          out.append(InteropCase(folder: folder, name: name))
        }
      }
    }
    return out
  }
}
