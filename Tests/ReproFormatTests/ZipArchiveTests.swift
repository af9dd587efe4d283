import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

@Suite struct ZipArchiveTests {
  /// Every committed fixture (torch.save files, Python zipfile archives, the hand-built zip64
  /// archive) lists the same records, sizes and SHA-256s as Python's zipfile reported.
  @Test(arguments: ZipFixtures.allFiles, [false, true])
  func readsEveryRecordLikePythonZipfile(file: ZipFixtures.File, memoryMapped: Bool) throws {
    let zip = try ZipArchive.open(
      contentsOf: ZipFixtures.url(file.file), memoryMapped: memoryMapped)
    #expect(zip.entries.map(\.name) == file.records.map(\.name))
    for (entry, record) in Swift.zip(zip.entries, file.records) {
      #expect(entry.uncompressedSize == record.size)
      let data = try zip.data(for: entry)
      #expect(SHA256Digest.hex(of: data) == record.sha256, "\(entry.name)")
      let storage = try zip.storage(for: entry, verifyingCRC: true)
      #expect(storage.byteCount == record.size)
      #expect(storage.withUnsafeBytes { SHA256Digest.hex(of: $0) } == record.sha256)
      #expect(storage.isBorrowed == entry.isStored, "stored records are borrowed, not copied")
      if entry.isStored { #expect(storage.isReadOnly) }
    }
  }

  /// torch.save's layout: folder = file base name, data at multiples of the alignment, bit 3
  /// and UTF-8 flags, and torch's lookup rule (first entry's folder) finds every record.
  @Test(arguments: ZipFixtures.torchFiles)
  func torchFilesFollowTheDocumentedLayout(file: ZipFixtures.File) throws {
    let zip = try ZipArchive.open(contentsOf: ZipFixtures.url(file.file), memoryMapped: true)
    #expect(zip.rootFolder == file.archive)
    #expect(zip.entry(record: "data.pkl")?.name == "\(file.archive!)/data.pkl")
    #expect(zip.entry(record: "missing") == nil)
    for e in zip.entries {
      #expect(e.method == 0)
      #expect(e.dataOffset % file.alignment! == 0, "\(e.name) at \(e.dataOffset)")
      #expect(e.flags == (e.uncompressedSize > 0 ? 0x0808 : 0x0800))
      #expect(e.hasDataDescriptor == (e.uncompressedSize > 0))
    }
    let version = try zip.data(for: #require(zip.entry(record: "version")))
    #expect(version == Array("3\n".utf8))
  }

  @Test func deflatedRecordsAreInflatedIntoNewStorage() throws {
    let zip = try ZipArchive.open(
      contentsOf: ZipFixtures.url("zipfile_deflated.zip"), memoryMapped: true)
    let pkl = try #require(zip.entry(named: "deflated/data.pkl"))
    #expect(pkl.method == 8)
    #expect(pkl.compressedSize < pkl.uncompressedSize)
    let storage = try zip.storage(for: pkl)
    #expect(!storage.isBorrowed)
    #expect(!storage.isReadOnly)
    let text = String(decoding: storage.bytes, as: UTF8.self)
    #expect(text.hasPrefix("line 0 of a compressible record\n"))
    #expect(text.hasSuffix("line 399 of a compressible record\n"))
  }

  /// Hand-built archive: every size and offset comes from zip64 extra fields of the central
  /// directory, the counts from the zip64 end record (the EOCD holds only 0xFFFF/0xFFFFFFFF).
  @Test func zip64ExtraFieldsAndEndRecordAreHonoured() throws {
    let bytes = try ZipFixtures.bytes("hand_zip64_central.zip")
    let zip = try archive(bytes)
    #expect(zip.entries.map(\.name) == ["h/data.pkl", "h/data/0", "h/empty", "h/version"])
    // The 32-bit fields in the file really are saturated.
    let cdEntry = try #require(zip.entries.first)
    #expect(cdEntry.localHeaderOffset == 0)
    #expect(zip.entries[1].localHeaderOffset == 30 + 10 + 20 + 300)
    #expect(zip.entries.map(\.uncompressedSize) == [300, 777, 0, 2])
  }

  /// A real torch.save of a 2**32+16-byte tensor (zip64 sizes and offsets past 4 GiB), rebuilt
  /// as a sparse file from its committed non-payload bytes and memory-mapped.
  @Test func readsRealFourGigabyteTorchFileAsSparseFile() throws {
    let skeleton = try Zip64Skeleton.load()
    guard let url = try skeleton.makeSparseFile() else { return }  // file system without holes
    defer { try? FileManager.default.removeItem(at: url) }
    let zip = try ZipArchive.open(contentsOf: url, memoryMapped: true)
    #expect(zip.entries.map(\.name) == skeleton.records.map(\.name))
    for (e, r) in Swift.zip(zip.entries, skeleton.records) {
      #expect(e.localHeaderOffset == r.headerOffset)
      #expect(e.uncompressedSize == r.size)
      #expect(e.crc32 == r.crc32)
      if let sha = skeleton.smallSha256[r.name] {
        #expect(SHA256Digest.hex(of: try zip.data(for: e)) == sha)
      }
    }
    let big = try #require(zip.entry(named: "big/data/0"))
    #expect(big.uncompressedSize == (1 << 32) + 16)
    let storage = try zip.storage(for: big)  // zero-copy: no 4 GiB allocation
    #expect(storage.isBorrowed && storage.byteCount == (1 << 32) + 16)
    #expect(try #require(zip.entry(named: "big/data/1")).localHeaderOffset > 0xFFFF_FFFF)
  }

  @Test func codePage437NamesWithoutUTF8Flag() throws {
    var hand = HandZip()
    hand.stored("x", [1, 2, 3])
    hand.items[0].flags = 0
    var (bytes, offsets, cd) = hand.build()
    // Replace the one-byte name "x" with 0x82 ('é' in code page 437) in both headers.
    bytes[offsets[0] + 30] = 0x82
    bytes[cd + 46] = 0x82
    let zip = try archive(bytes)
    #expect(zip.entries.first?.name == "é")
  }

  @Test func emptyArchiveHasNoEntriesAndNoFolder() throws {
    let zip = try archive(HandZip().build().bytes)
    #expect(zip.entries.isEmpty)
    #expect(zip.rootFolder == nil)
  }
}

/// The committed description of a real 4 GiB torch.save (see Scripts/make_zip_oracles.py).
struct Zip64Skeleton: Decodable {
  struct Record: Decodable {
    var name: String
    var size: Int
    var crc32: UInt32
    var headerOffset: Int
  }
  struct Segment: Decodable {
    var offset: Int
    var hex: String
  }
  var fileSize: Int
  var records: [Record]
  var smallSha256: [String: String]
  var segments: [Segment]

  static func load() throws -> Zip64Skeleton {
    let data = try Data(contentsOf: ZipFixtures.url("zip64_skeleton.json"))
    return try snakeCaseDecoder().decode(Zip64Skeleton.self, from: data)
  }

  func bytes(of segment: Segment) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(segment.hex.count / 2)
    var it = segment.hex.utf8.makeIterator()
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
    while let a = it.next(), let b = it.next() { out.append(nibble(a) << 4 | nibble(b)) }
    return out
  }

  /// Writes the segments at their offsets into a file of `fileSize` bytes (the zero payload
  /// stays a hole).
  ///
  /// Returns nil when the file system would really allocate 4 GiB.
  func makeSparseFile() throws -> URL? {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("repro-zip64-\(UUID().uuidString).pt")
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.truncate(atOffset: UInt64(fileSize))
    for s in segments {
      try handle.seek(toOffset: UInt64(s.offset))
      try handle.write(contentsOf: bytes(of: s))
    }
    let allocated =
      try url.resourceValues(forKeys: [.totalFileAllocatedSizeKey])
      .totalFileAllocatedSize ?? 0
    if allocated > 64 << 20 {
      try? FileManager.default.removeItem(at: url)
      return nil
    }
    return url
  }
}
