public import Foundation
import ReproFormat
import ReproTensor

/// `Golden/MANIFEST.json`: what made the goldens and the sha256 of every file under `Golden/`,
/// so that any change to any golden byte is caught before a single comparison runs.
public struct GoldenManifest: Codable, Equatable, Sendable {
  /// Bumped when the layout of golden documents changes.
  public static let currentSchemaVersion = 1

  /// The layout version of the golden documents.
  public var schemaVersion: Int
  /// The Repro version that last wrote the manifest.
  public var generator: String
  /// The PyTorch version whose behaviour the goldens record (`2.13.0`).
  public var pytorchVersion: String
  /// Path relative to `Golden/` → lowercase hex sha256, for every file but the manifest.
  public var files: [String: String]

  enum CodingKeys: String, CodingKey {
    case schemaVersion = "schema_version"
    case generator
    case pytorchVersion = "pytorch_version"
    case files
  }

  /// The manifest file's name inside the golden root.
  public static let fileName = "MANIFEST.json"

  /// Hashes every file under `root` (hidden files and the manifest itself excluded).
  public static func scan(root: URL, generator: String, pytorchVersion: String = "2.13.0") throws
    -> GoldenManifest
  {
    var files: [String: String] = [:]
    for path in try relativeFiles(under: root) where path != fileName {
      files[path] = try sha256(of: root.appendingPathComponent(path))
    }
    return GoldenManifest(
      schemaVersion: currentSchemaVersion, generator: generator, pytorchVersion: pytorchVersion,
      files: files)
  }

  /// The manifest stored at `root/MANIFEST.json`.
  public static func load(root: URL) throws -> GoldenManifest {
    try JSONDecoder().decode(
      GoldenManifest.self, from: Data(contentsOf: root.appendingPathComponent(fileName)))
  }

  /// Writes the manifest as sorted, indented JSON (stable bytes for review).
  public func write(root: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    var data = try encoder.encode(self)
    data.append(0x0A)
    try data.write(to: root.appendingPathComponent(GoldenManifest.fileName), options: .atomic)
  }

  /// One way the files on disk differ from the manifest.
  public enum Problem: Equatable, Sendable, CustomStringConvertible {
    /// A listed file's bytes changed.
    case changed(path: String, expected: String, actual: String)
    /// A listed file is gone.
    case missing(path: String)
    /// A file on disk is not listed.
    case unlisted(path: String)

    /// A sentence naming the file.
    public var description: String {
      switch self {
      case .changed(let p, let e, let a):
        "Golden/\(p): sha256 is \(a.prefix(16))…, MANIFEST.json says \(e.prefix(16))… (the file changed; if on purpose, run `repro golden update`)"
      case .missing(let p): "Golden/\(p) is listed in MANIFEST.json but missing"
      case .unlisted(let p):
        "Golden/\(p) is not listed in MANIFEST.json (run `repro golden update` to add it)"
      }
    }
  }

  /// Compares the files under `root` with this manifest.
  public func problems(root: URL) throws -> [Problem] {
    let onDisk = try GoldenManifest.scan(root: root, generator: generator).files
    var out: [Problem] = []
    for (path, expected) in files.sorted(by: { $0.key < $1.key }) {
      guard let actual = onDisk[path] else {
        out.append(.missing(path: path))
        continue
      }
      if actual != expected { out.append(.changed(path: path, expected: expected, actual: actual)) }
    }
    for path in onDisk.keys.sorted() where files[path] == nil { out.append(.unlisted(path: path)) }
    return out
  }

  static func relativeFiles(under root: URL) throws -> [String] {
    let base = root.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
    var out: [String] = []
    while let rel = walker.nextObject() as? String {
      // Hidden files are skipped, except a DCP folder's `.metadata`, which is part of the golden.
      if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") && $0 != ".metadata" }) {
        continue
      }
      var isDir: ObjCBool = false
      if unsafe FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir),
        !isDir.boolValue
      {
        out.append(rel)
      }
    }
    return out.sorted()
  }

  static func sha256(of url: URL) throws -> String {
    // Mapped by ReproFormat, not `Data(contentsOf:options: .alwaysMapped)`, whose Linux
    // implementation leaks a 4 KiB buffer per call (LeakSanitizer, swift 6.3).
    // Hashed in chunks, the pages released behind the hash.
    let file = try MappedFile(contentsOf: url).storage
    return SHA256Digest.hex(ofChunksOf: file)
  }
}
