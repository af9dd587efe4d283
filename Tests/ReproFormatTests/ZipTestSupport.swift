import Foundation
import ReproTensor
import ReproTestSupport

@testable import ReproFormat

/// Locations of committed fixtures and helpers shared by the zip tests.
enum ZipFixtures {
  static let folder = Repository.golden("pytorch/zip")

  struct Record: Decodable, Sendable {
    var name: String
    var size: Int
    var sha256: String
  }

  struct File: Decodable, Sendable, CustomStringConvertible {
    var file: String
    var kind: String
    var archive: String?
    var alignment: Int?
    var crc32: Bool?
    var records: [Record]
    var serializationId: String?
    var fileSize: Int
    var fileSha256: String?
    var description: String { file }
  }

  struct Oracles: Decodable {
    var torch: String
    var files: [File]
  }

  static let oracles: Oracles = {
    let url = folder.appendingPathComponent("oracles.json")
    do {
      return try snakeCaseDecoder().decode(Oracles.self, from: Data(contentsOf: url))
    } catch {
      fatalError("cannot read the zip oracles at \(url.path): \(error)")
    }
  }()

  static var torchFiles: [File] { oracles.files.filter { $0.kind == "torch" } }
  static var allFiles: [File] { oracles.files }

  static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

  static func bytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: url(name)))
  }

  /// A fresh temporary folder, removed by the caller.
  static func makeTemporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("repro-zip-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// Parses in-memory bytes as an archive.
func archive(_ bytes: [UInt8]) throws(FormatError) -> ZipArchive {
  try ZipArchive(bytes: Storage(bytes: bytes))
}

/// Builds small zip archives by hand (local headers, central directory, EOCD), for tests that
/// need exact control over every field, for example to corrupt one of them.
struct HandZip {
  struct Item {
    var name: String
    var data: [UInt8]  // bytes as stored in the file (already deflated for method 8)
    var method: UInt16 = 0
    var crc: UInt32
    var uncompressedSize: Int
    var flags: UInt16 = 0x0800
  }
  var items: [Item] = []

  mutating func stored(_ name: String, _ data: [UInt8]) {
    let crc = data.withUnsafeBytes { Zlib.crc32($0) }
    items.append(Item(name: name, data: data, crc: crc, uncompressedSize: data.count))
  }

  mutating func deflated(_ name: String, _ data: [UInt8], declaredSize: Int? = nil) {
    let crc = data.withUnsafeBytes { Zlib.crc32($0) }
    let packed = data.withUnsafeBytes { Zlib.deflateRaw($0) }
    items.append(
      Item(
        name: name, data: packed, method: 8, crc: crc,
        uncompressedSize: declaredSize ?? data.count))
  }

  /// The archive bytes and the local header offsets.
  func build() -> (bytes: [UInt8], offsets: [Int], centralOffset: Int) {
    var out: [UInt8] = []
    var central: [UInt8] = []
    var offsets: [Int] = []
    for it in items {
      let name = Array(it.name.utf8)
      offsets.append(out.count)
      out.appendLE(UInt32(0x0403_4B50))
      out.appendLE(UInt16(20))
      out.appendLE(it.flags)
      out.appendLE(it.method)
      out.appendLE(UInt16(0))
      out.appendLE(UInt16(0x21))
      out.appendLE(it.crc)
      out.appendLE(UInt32(it.data.count))
      out.appendLE(UInt32(it.uncompressedSize))
      out.appendLE(UInt16(name.count))
      out.appendLE(UInt16(0))
      out += name
      central.appendLE(UInt32(0x0201_4B50))
      central.appendLE(UInt16(20))
      central.appendLE(UInt16(20))
      central.appendLE(it.flags)
      central.appendLE(it.method)
      central.appendLE(UInt16(0))
      central.appendLE(UInt16(0x21))
      central.appendLE(it.crc)
      central.appendLE(UInt32(it.data.count))
      central.appendLE(UInt32(it.uncompressedSize))
      central.appendLE(UInt16(name.count))
      central += [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
      central.appendLE(UInt32(offsets.last ?? 0))
      central += name
      out += it.data
    }
    let cdOffset = out.count
    out += central
    out.appendLE(UInt32(0x0605_4B50))
    out += [0, 0, 0, 0]
    out.appendLE(UInt16(items.count))
    out.appendLE(UInt16(items.count))
    out.appendLE(UInt32(central.count))
    out.appendLE(UInt32(cdOffset))
    out.appendLE(UInt16(0))
    return (out, offsets, cdOffset)
  }
}

extension Array where Element == UInt8 {
  mutating func putLE32(_ v: UInt32, at offset: Int) {
    for k in 0..<4 { self[offset + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
  }
  mutating func putLE16(_ v: UInt16, at offset: Int) {
    self[offset] = UInt8(truncatingIfNeeded: v)
    self[offset + 1] = UInt8(truncatingIfNeeded: v >> 8)
  }
  func le32(at offset: Int) -> UInt32 {
    (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
  }
}

/// A JSON decoder for the Python-written fixtures (snake_case keys).
func snakeCaseDecoder() -> JSONDecoder {
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return decoder
}
