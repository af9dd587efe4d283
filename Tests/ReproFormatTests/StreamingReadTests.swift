import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Reading for verification (`Checkpoint.loadForReading`, `StorageReader`): chunked, mapped
/// pages released behind the readers, deflated records inflated as a stream, with the results of
/// reading everything at once.
@Suite struct StreamingReadTests {
  /// 9 MiB + 5 bytes: more than two chunks of `StorageReader.chunkBytes`.
  static let big: [UInt8] = (0..<(9 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }

  /// With and without hashing the records in the CRC pass: tensors that are whole records take
  /// their record's digest, views and deflated records are hashed as they are read.
  @Test(arguments: Corpus.interopCases(), [false, true])
  func readingForVerificationGivesPyTorchsInventory(
    _ c: Corpus.InteropCase, hashingRecords: Bool
  ) throws {
    let expected = try c.expected()
    let tmp = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let weightsOnlyOK = expected["weights_only_ok"] as? Bool ?? true
    let checkpoint = try Checkpoint.loadForReading(
      contentsOf: try c.fileURL(in: tmp), policy: weightsOnlyOK ? .weightsOnly : .trusted,
      hashingRecords: hashingRecords)
    let (_, got, want) = try inventoryEntries(of: checkpoint, expected: expected)
    for (g, w) in zip(got, want) {
      for key in ["sha256", "dtype", "kind"] where w[key] != nil {
        #expect(g[key] as? String == w[key] as? String, "\(w["path"] ?? ""): \(key)")
      }
      if let head = w["head"] as? [NSNumber] {
        let ours = g["head"] as? [NSNumber] ?? []
        #expect(ours.map(\.doubleValue).description == head.map(\.doubleValue).description)
      }
    }
  }

  @Test func deflatedRecordsAreStreamedNotHeld() throws {
    let url = Repository.golden("pytorch/interop/deflated.pt")
    let streamed = try Checkpoint.loadForReading(contentsOf: url)
    let tensors = Inventory(of: streamed).entries.compactMap(\.tensor)
    #expect(tensors.count == 12)
    #expect(tensors.allSatisfy { $0.storage.isDeferred || $0.count == 0 })
    let json = Inventory(of: streamed).jsonText()
    // Hashing and the heads streamed the records; none was inflated whole.
    #expect(tensors.allSatisfy { $0.storage.isDeferred || $0.count == 0 })
    #expect(json == Inventory(of: try Checkpoint.load(contentsOf: url)).jsonText())
  }

  @Test func storedAndDeflatedCopiesHaveOneInventory() throws {
    let url = Repository.golden("pytorch/interop/deflated.pt")
    let deflated = try ZipArchive.open(contentsOf: url, memoryMapped: true)
    var zip = HandZip()
    for e in deflated.entries { zip.stored(e.name, try deflated.data(for: e)) }
    let stored = Storage(bytes: zip.build().bytes)
    let a = Inventory(of: try Checkpoint.loadForReading(file: stored)).jsonText()
    let b = Inventory(of: try Checkpoint.loadForReading(contentsOf: url)).jsonText()
    #expect(a.contains("\"sha256\"") && a == b)
  }

  @Test func diffOfDeflatedAndStoredCopiesFindsNoValueChange() throws {
    let url = Repository.golden("pytorch/interop/deflated.pt")
    let deflated = try ZipArchive.open(contentsOf: url, memoryMapped: true)
    var zip = HandZip()
    for e in deflated.entries { zip.stored(e.name, try deflated.data(for: e)) }
    let diff = try CheckpointDiff(deflated.backing, Storage(bytes: zip.build().bytes))
    #expect(!diff.isIdentical)
    #expect(diff.lines.first?.hasPrefix("size: ") == true)
    #expect(!diff.lines.contains { $0.hasPrefix("record ") || $0.contains("values differ") })
  }

  @Test func deflatedRecordStreamsAcrossChunks() throws {
    var zip = HandZip()
    zip.deflated("a/data/0", Self.big)
    let archive = try ReproFormatTests.archive(zip.build().bytes)
    let entry = try #require(archive.entry(named: "a/data/0"))
    try archive.verifyCRCStreaming(of: entry)
    let storage = try archive.streamingStorage(for: entry)
    #expect(storage.isDeferred && storage.byteCount == Self.big.count)
    for range in [0..<Self.big.count, 5_000_001..<(9 << 20)] {
      var got: [UInt8] = []
      storage.forEachChunk(in: range, chunkBytes: 3 << 20) { unsafe got += Array($0) }
      #expect(got == Array(Self.big[range]), "range \(range)")
    }
    #expect(storage.isDeferred)
    #expect(storage.bytes == Self.big)
  }

  /// A damaged deflated record fails the streaming check with the error of the whole read.
  @Test(arguments: ["crc", "shorter", "longer", "cut"])
  func streamingCheckReportsWhatTheWholeReadReports(_ damage: String) throws {
    var zip = HandZip()
    zip.deflated("a/data/0", Self.big)
    switch damage {
    case "crc": zip.items[0].crc ^= 1
    case "shorter": zip.items[0].uncompressedSize -= 1
    case "longer": zip.items[0].uncompressedSize += 1
    default: zip.items[0].data.removeLast(zip.items[0].data.count / 2)
    }
    let archive = try ReproFormatTests.archive(zip.build().bytes)
    let entry = try #require(archive.entry(named: "a/data/0"))
    let whole = #expect(throws: FormatError.self) { _ = try archive.data(for: entry) }
    let streamed = #expect(throws: FormatError.self) { try archive.verifyCRCStreaming(of: entry) }
    #expect(streamed?.code == whole?.code)
    #expect(streamed?.message == whole?.message)
    #expect(throws: FormatError.self) { _ = try archive.streamingStorage(for: entry) }
  }

  /// TorchScript archives are read as torch zips are.
  ///
  /// Every stored record is CRC-checked (and hashed), then the tensors borrow the mapping
  /// read-only, so that readers release its pages behind them. Before, their storages were writable slices of the mapping, and `repro
  /// inspect` of a 384 MiB archive peaked at 415 MiB (now 41 MiB).
  @Test(arguments: ["scripted.pt", "scripted_fp16.pt", "traced.pt"])
  func torchScriptTensorsBorrowTheMappingAfterTheCRCPass(_ name: String) throws {
    let url = Repository.golden("pytorch/torchscript/\(name)")
    let read = try Checkpoint.loadForReading(contentsOf: url, hashingRecords: true)
    #expect(read.format == .torchscript)
    let tensors = Inventory(of: read).entries.compactMap(\.tensor).filter { $0.count > 0 }
    #expect(!tensors.isEmpty && tensors.allSatisfy { $0.storage.isReadOnly })
    #expect(tensors.contains { $0.storage.knownSHA256Hex != nil })
    let loaded = try Checkpoint.load(contentsOf: url)
    #expect(Inventory(of: read).jsonText() == Inventory(of: loaded).jsonText())

    var bytes = [UInt8](try Data(contentsOf: url))
    let zip = try ZipArchive(bytes: Storage(bytes: bytes))
    let record = try #require(zip.entries.first { $0.name.contains("/data/") && $0.isStored })
    bytes[record.dataOffset] ^= 0x01
    let err = #expect(throws: FormatError.self) {
      _ = try Checkpoint.loadForReading(file: Storage(bytes: bytes), fileName: name)
    }
    #expect(err?.code == .badCRC, "\(String(describing: err))")
  }

  /// Legacy (pre-1.6) storages stay in the mapping and are read on demand, at any alignment.
  ///
  /// Hashing a contiguous tensor streams its bytes and holds none of them whole.
  /// `legacy_mixed.pt` also holds `t`, a transposed view of `base`: a view that is not
  /// contiguous is gathered from its whole storage, which is then materialized.
  @Test(arguments: [("legacy_mixed.pt", false), ("seq_mlp_legacy.pt", true)])
  func legacyStoragesAreReadInPlace(_ name: String, allContiguous: Bool) throws {
    let url = Repository.golden("pytorch/interop/\(name)")
    let read = try Checkpoint.loadForReading(contentsOf: url)
    let tensors = Inventory(of: read).entries.compactMap(\.tensor).filter { $0.count > 0 }
    #expect(!tensors.isEmpty && tensors.allSatisfy { $0.storage.isDeferred })
    let json = Inventory(of: read).jsonText()
    #expect(tensors.allSatisfy { $0.storage.isDeferred } == allContiguous)
    let loaded = try Checkpoint.load(contentsOf: url)
    #expect(json == Inventory(of: loaded).jsonText())
    // Anything that needs a whole storage materializes it, with the file's bytes.
    let copies = Inventory(of: loaded).entries.compactMap(\.tensor).filter { $0.count > 0 }
    for (t, copy) in zip(tensors, copies) {
      #expect(t.contiguousBytes() == copy.contiguousBytes())
      #expect(!t.storage.isDeferred)
    }
  }

  @Test func storedRecordWithABadCRCIsRefused() throws {
    var zip = HandZip()
    zip.stored("a/data/0", Self.big)
    zip.items[0].crc ^= 0x8000_0000
    let archive = try ReproFormatTests.archive(zip.build().bytes)
    let err = #expect(throws: FormatError.self) { try archive.verifyStoredCRCs() }
    #expect(err?.code == .badCRC)
    let hashing = #expect(throws: FormatError.self) { try archive.verifyStoredCRCsHashing() }
    #expect(hashing?.message == err?.message)
  }

  /// The digests of the CRC pass are the SHA-256 of each record's bytes, across chunks and hash
  /// slices; the mapped storages of a load carry them.
  @Test func crcPassHashesEveryStoredRecord() throws {
    var zip = HandZip()
    zip.stored("a/data/0", Self.big)
    zip.stored("a/data/1", Array(Self.big[5..<1000]))
    zip.stored("a/data/2", [])
    let archive = try ReproFormatTests.archive(zip.build().bytes)
    let digests = try archive.verifyStoredCRCsHashing()
    #expect(digests.count == 3)
    for e in archive.entries {
      #expect(digests[e.name] == SHA256Digest.hex(of: try archive.data(for: e)), "\(e.name)")
    }
    let url = Repository.golden("pytorch/interop/views_shared.pt")
    let hashed = try Checkpoint.loadForReading(contentsOf: url, hashingRecords: true)
    let tensors = Inventory(of: hashed).entries.compactMap(\.tensor)
    #expect(!tensors.isEmpty && tensors.allSatisfy { $0.storage.knownSHA256Hex != nil })
    let plain = try Checkpoint.loadForReading(contentsOf: url)
    #expect(
      Inventory(of: plain).entries.compactMap(\.tensor).allSatisfy {
        $0.storage.knownSHA256Hex == nil
      })
    #expect(Inventory(of: hashed).jsonText() == Inventory(of: plain).jsonText())
  }

  @Test func releasingMappedPagesKeepsTheBytes() throws {
    let tmp = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let url = tmp.appendingPathComponent("big.bin")
    try Data(Self.big).write(to: url)
    let file = try MappedFile(contentsOf: url)
    let storage = file.storage
    let before = SHA256Digest.hex(of: Self.big)
    // Unaligned regions, the whole file and the last partial page.
    unsafe storage.withUnsafeBytes { raw in
      for range in [1..<4000, 4095..<(5 << 20) + 3, 0..<raw.count, (raw.count - 5)..<raw.count] {
        unsafe file.releasePages(UnsafeRawBufferPointer(rebasing: raw[range]))
      }
    }
    #expect(SHA256Digest.hex(ofChunksOf: storage) == before)
    #expect(unsafe storage.withUnsafeBytes { unsafe SHA256Digest.hex(of: $0) } == before)
    #expect(storage.bytes == Self.big)
  }

  @Test func diffFindsTheFirstDifferenceAcrossChunks() {
    var other = Self.big
    other[(4 << 20) + 17] ^= 1
    let a = Storage(bytes: Self.big)
    let b = Storage(bytes: other)
    #expect(CheckpointDiff.firstDifference(a, b) == (4 << 20) + 17)
    #expect(CheckpointDiff.firstDifference(a, a) == nil)
    #expect(
      CheckpointDiff.firstDifference(a, Storage(bytes: Self.big.dropLast())) == Self.big.count - 1)
    #expect(!CheckpointDiff.bytesEqual(a, b))
  }
}
