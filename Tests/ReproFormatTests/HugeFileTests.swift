import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// A 10 GiB file that is no checkpoint is refused from its head and tail.
///
/// Nothing reads or allocates the whole file first. The files are sparse, made at test time (never committed):
/// 10 GiB of zeros, or zeros between 1 MiB of pseudo-random bytes at each end. A reader that
/// read the file first would need 10 GiB of memory and minutes; these finish at once.
@Suite struct HugeFileTests {
  static let size: UInt64 = 10 << 30

  /// One sparse file and the error every loader must give for it.
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    /// The first bytes, before the pseudo-random head (a zip signature, say).
    let prefix: [UInt8]
    let randomEnds: Bool
    let code: FormatError.Code
    let messageContains: String
    var testDescription: String { name }
  }

  static let cases = [
    Case(
      name: "zeros.pt", prefix: [], randomEnds: false, code: .badMagic,
      messageContains: "not a pytorch checkpoint"),
    Case(
      name: "random.pt", prefix: [], randomEnds: true, code: .badMagic,
      messageContains: "not a pytorch checkpoint"),
    Case(
      name: "random-zip.pt", prefix: [0x50, 0x4B, 0x03, 0x04], randomEnds: true,
      code: .truncated, messageContains: "end of central directory record (50 4b 05 06) not found"),
    Case(
      name: "zeros.safetensors", prefix: [], randomEnds: false, code: .corrupt,
      messageContains: "safetensors: invalid json in header"),
    Case(
      name: "random.safetensors", prefix: [], randomEnds: true, code: .limitExceeded,
      messageContains: "header too large"),
  ]

  /// `count` bytes of a fixed linear congruential sequence.
  static func pseudoRandom(_ count: Int, seed: UInt64) -> [UInt8] {
    var x = seed
    return (0..<count).map { _ in
      x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: x >> 56)
    }
  }

  /// Makes the sparse file of `c` in a fresh folder.
  static func make(_ c: Case) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("repro-huge-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(c.name)
    #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.truncate(atOffset: size)
    let head = c.randomEnds ? pseudoRandom(1 << 20, seed: 13) : []
    try handle.seek(toOffset: 0)
    try handle.write(contentsOf: c.prefix + head.dropFirst(c.prefix.count))
    if c.randomEnds {
      try handle.seek(toOffset: size - (1 << 20))
      try handle.write(contentsOf: pseudoRandom(1 << 20, seed: 31))
    }
    return url
  }

  func expectRefusal(_ c: Case, _ error: FormatError?, _ loader: String) {
    #expect(error?.code == c.code, "\(c.name) via \(loader): \(error?.description ?? "no error")")
    #expect(
      error?.description.lowercased().contains(c.messageContains) == true,
      "\(c.name) via \(loader): \(error?.description ?? "no error")")
  }

  @Test(arguments: cases)
  func everyLoaderRefusesTheFileWithoutReadingIt(_ c: Case) throws {
    let url = try Self.make(c)
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    expectRefusal(
      c, #expect(throws: FormatError.self) { try Checkpoint.load(contentsOf: url) }, "load")
    expectRefusal(
      c, #expect(throws: FormatError.self) { try Checkpoint.loadForReading(contentsOf: url) },
      "loadForReading")
    if c.name.hasSuffix(".safetensors") {
      expectRefusal(
        c, #expect(throws: FormatError.self) { try SafeTensorsFile.load(contentsOf: url) },
        "SafeTensorsFile.load")
    } else {
      expectRefusal(
        c, #expect(throws: FormatError.self) { try TorchFile.load(contentsOf: url) },
        "TorchFile.load")
    }
  }

  /// The structure check alone names the same fault as the loaders.
  @Test func theStructureCheckRefusesAZipWithoutAnEndRecord() throws {
    let c = Self.cases[2]
    let url = try Self.make(c)
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    expectRefusal(
      c,
      #expect(throws: FormatError.self) { try CheckpointFormat.checkStructure(ofFileAt: url) },
      "checkStructure")
    expectRefusal(
      c,
      #expect(throws: FormatError.self) {
        try ZipArchive.open(contentsOf: url, memoryMapped: false)
      }, "ZipArchive.open")
  }

  /// A size read from a file that the system cannot allocate is a typed error, not a trap.
  @Test func anAllocationTheSystemRefusesIsAnError() throws {
    #expect(Storage.allocating(uninitializedByteCount: Int.max / 2) == nil)
    #expect(Storage.allocating(uninitializedByteCount: -1) == nil)
    let err = #expect(throws: FormatError.self) {
      try Storage.allocating(uninitializedByteCount: Int.max / 2, for: "record 'data/0'")
    }
    #expect(err?.code == .limitExceeded)
    #expect(
      err?.message
        == "cannot allocate \(Int.max / 2) bytes for record 'data/0': out of memory")
    let small = try Storage.allocating(uninitializedByteCount: 100, for: "x")
    #expect(small.byteCount == 100 && !small.isReadOnly)
    small.withUnsafeMutableBytes { $0.storeBytes(of: 7, toByteOffset: 99, as: UInt8.self) }
    #expect(small.bytes[99] == 7)
  }
}
