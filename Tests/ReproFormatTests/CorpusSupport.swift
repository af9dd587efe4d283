import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Reading the PyTorch-made corpora under Golden/ (interop inventories, malformed manifest).
enum Corpus {

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
      Repository.golden("pytorch/\(folder)/\(name).expected.json")
    }

    func expected() throws -> [String: Any] {
      try TestJSON.pythonJSON(Data(contentsOf: expectedURL)) as? [String: Any] ?? [:]
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
      let dir = Repository.golden("pytorch/\(folder)")
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
