import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

@Suite struct TorchZipWriterTests {
  /// Rewriting the records of a real torch.save file (same order, same options) with the
  /// writer gives the identical file: headers, padding, descriptors, directory, end records.
  @Test(arguments: ZipFixtures.torchFiles)
  func rewriteIsByteIdenticalToTorchSave(file: ZipFixtures.File) throws {
    let original = try ZipFixtures.bytes(file.file)
    #expect(SHA256Digest.hex(of: original) == file.fileSha256)
    var writer = try makeWriter(copying: file)
    let rewritten = writer.finish(serializationID: file.serializationId!)
    #expect(rewritten.count == original.count)
    #expect(firstDifference(rewritten, original) == nil, "rewritten file differs from torch.save's")
    // The id torch computed (libstdc++ hashing) is what the writer computes by itself.
    #expect(writer.serializationID == file.serializationId)
    #expect(firstDifference(writer.finish(), original) == nil)
    writer.addRecord(name: "extra", bytes: [1])
    #expect(writer.serializationID != file.serializationId)
  }

  /// The streaming writer (through AtomicFile) writes the same bytes.
  @Test(arguments: ZipFixtures.torchFiles)
  func streamingWriterMatchesInMemoryWriter(file: ZipFixtures.File) throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent(file.file)
    let source = try ZipArchive.open(contentsOf: ZipFixtures.url(file.file), memoryMapped: true)
    try AtomicFile.write(to: url) { out in
      var zip = TorchZipStreamWriter(
        archiveName: file.archive!, output: out, storageAlignment: file.alignment!,
        computesCRC32: file.crc32!)
      for e in source.entries where !e.name.hasSuffix("/.data/serialization_id") {
        let storage = try source.storage(for: e)
        try storage.withUnsafeBytes { (b) throws(FormatError) in
          try zip.addRecord(name: strip(e.name, file), bytes: b)
        }
      }
      try zip.finish()
      #expect(zip.output.bytesWritten == file.fileSize)
    }
    #expect(
      firstDifference([UInt8](try Data(contentsOf: url)), try ZipFixtures.bytes(file.file)) == nil)
  }

  /// Headers, descriptors and end records of a real 4 GiB torch.save (zip64 extras in local
  /// headers and directory, 24-byte descriptors, offsets past 4 GiB) match the writer's layout.
  @Test func zip64LayoutMatchesRealFourGigabyteTorchSave() throws {
    let skeleton = try Zip64Skeleton.load()
    var bytesAt: [Int: UInt8] = [:]
    for s in skeleton.segments {
      for (k, b) in skeleton.bytes(of: s).enumerated() { bytesAt[s.offset + k] = b }
    }
    func fileBytes(_ offset: Int, _ count: Int) -> [UInt8] {
      (offset..<(offset + count)).map { bytesAt[$0] ?? 0 }
    }
    var layout = TorchZipLayout(archiveName: "big", alignment: 64, computesCRC32: true)
    for r in skeleton.records.dropLast() {
      let start = layout.cursor
      #expect(start == r.headerOffset)
      let name = String(r.name.dropFirst("big/".count))
      let leading = fileBytes(0, 0)  // payloads here never start with PK\7\8
      let (header, descriptor) = leading.withUnsafeBytes {
        layout.addRecord(name: name, size: r.size, crc: r.crc32, leading: $0)
      }
      #expect(header == fileBytes(start, header.count), "local header of \(r.name)")
      #expect(
        descriptor == fileBytes(start + header.count + r.size, descriptor.count),
        "descriptor of \(r.name)")
      if r.size < 1 << 20 {  // small payloads are in the skeleton: check the CRC we were given
        let data = fileBytes(start + header.count, r.size)
        #expect(data.withUnsafeBytes { Zlib.crc32($0) } == r.crc32)
      }
    }
    let idRecord = try #require(skeleton.records.last)
    let idOffset = idRecord.headerOffset
    // local header, name, zip64 extra (offset only: 12 bytes), "FB" + u16 padding + padding
    let fb = idOffset + 30 + idRecord.name.utf8.count + 12
    #expect(fileBytes(fb, 2) == [0x46, 0x42])
    let idHeaderLength = fb + 4 + Int(fileBytes(fb + 2, 1)[0]) - idOffset
    let id = fileBytes(idOffset + idHeaderLength, 40)
    #expect(layout.serializationID == String(decoding: id, as: UTF8.self))
    let (header, descriptor) = id.withUnsafeBytes {
      layout.addRecord(name: ".data/serialization_id", size: 40, crc: Zlib.crc32($0), leading: $0)
    }
    #expect(header.count == idHeaderLength)
    #expect(firstDifference(header, fileBytes(idOffset, header.count)) == nil)
    #expect(descriptor.count == 24)
    let end = layout.endRecords()
    #expect(layout.cursor + end.count == skeleton.fileSize)
    #expect(firstDifference(end, fileBytes(layout.cursor, end.count)) == nil)
  }

  /// libstdc++ `std::hash<std::string>` values from torch-format.md a.8 (measured with g++).
  @Test(arguments: [
    ("", 6_142_509_188_972_423_790 as UInt64), ("a", 4_993_892_634_952_068_459),
    ("data.pkl", 4_941_642_132_189_851_806), ("version", 1_565_691_551_459_181_974),
    ("data/0", 476_597_642_816_643_211),
  ])
  func libstdcxxHashMatchesGCC(name: String, hash: UInt64) {
    #expect(SerializationID.libstdcxxHash(Array(name.utf8)) == hash)
  }

  /// The unordered_set iteration order for a 4-tensor file, from torch-format.md a.8.
  @Test func unorderedSetOrderMatchesLibstdcxx() {
    let names = [
      "data.pkl", ".format_version", ".storage_alignment", "byteorder", "data/0", "data/1",
      "data/2", "data/3", "version",
    ]
    #expect(
      SerializationID.unorderedSetOrder(names) == [
        "version", "data/2", "data/0", "data/1", "byteorder", ".storage_alignment",
        ".format_version", "data/3", "data.pkl",
      ])
  }

  @Test func payloadStartingWithDescriptorSignatureFeedsTheID() throws {
    // torch-format.md a.8 quirk, checked against torch by empty_and_pk_payload.pt above; here
    // the hashed values themselves.
    var zip = TorchZipWriter(archiveName: "q")
    zip.addRecord(name: "data/0", bytes: [0x50, 0x4B, 0x07, 0x08, 1, 2, 3, 4])
    var layout = TorchZipLayout(archiveName: "q", alignment: 64, computesCRC32: true)
    let payload: [UInt8] = [0x50, 0x4B, 0x07, 0x08, 1, 2, 3, 4]
    _ = payload.withUnsafeBytes {
      layout.addRecord(name: "data/0", size: 8, crc: Zlib.crc32($0), leading: $0)
    }
    #expect(layout.descriptorCRCs.first == 0x0403_0201)
    #expect(layout.descriptorCRCs.count == 2)
  }

  @Test func writtenArchiveReadsBack() throws {
    var zip = TorchZipWriter(archiveName: "héllo", storageAlignment: 4096)
    let big = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    zip.addRecord(name: "data.pkl", bytes: [0x80, 2, 0x2E])
    zip.addRecord(name: "data/0", bytes: big)
    zip.addRecord(name: "data/1", bytes: [])
    let read = try archive(zip.finish())
    #expect(read.rootFolder == "héllo")
    #expect(read.entries.map(\.name).last == "héllo/.data/serialization_id")
    let e = try #require(read.entry(record: "data/0"))
    #expect(e.dataOffset % 4096 == 0)
    #expect(try read.data(for: e) == big)
    #expect(try read.data(for: #require(read.entry(record: "data/1"))) == [])
  }

  // MARK: helpers

  private func strip(_ name: String, _ file: ZipFixtures.File) -> String {
    String(name.dropFirst((file.archive?.count ?? -1) + 1))
  }

  private func makeWriter(copying file: ZipFixtures.File) throws -> TorchZipWriter {
    let source = try ZipArchive.open(contentsOf: ZipFixtures.url(file.file), memoryMapped: false)
    let archive = try #require(file.archive)
    let alignment = try #require(file.alignment)
    let crc32 = try #require(file.crc32 as Bool?)
    var writer = TorchZipWriter(
      archiveName: archive, storageAlignment: alignment, computesCRC32: crc32)
    for e in source.entries where !e.name.hasSuffix("/.data/serialization_id") {
      writer.addRecord(name: strip(e.name, file), bytes: try source.data(for: e))
    }
    return writer
  }

  /// The first offset where `a` and `b` differ (or where the shorter ends); nil if equal.
  private func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    if a == b { return nil }
    return (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
  }
}
