import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// Malformed archives: each must end in a typed `FormatError`, never a crash, hang or an
/// allocation larger than the input.
@Suite struct ZipArchiveErrorTests {
  /// Parses `bytes` and reads every record; returns the first error (nil if all succeeded).
  private func firstError(_ bytes: [UInt8]) -> FormatError? {
    do {
      let zip = try archive(bytes)
      for e in zip.entries {
        _ = try zip.data(for: e)
        _ = try zip.storage(for: e, verifyingCRC: true)
      }
      return nil
    } catch {
      return error
    }
  }

  @Test(arguments: [
    "mlp_state_dict.pt", "zipfile_deflated.zip", "zipfile_stored_descriptors.zip",
    "hand_zip64_central.zip", "empty_and_pk_payload.pt",
  ])
  func everyTruncationThrows(file: String) throws {
    let bytes = try ZipFixtures.bytes(file)
    for n in 0..<bytes.count {
      let error = firstError(Array(bytes[..<n]))
      #expect(error != nil, "\(file) truncated to \(n) bytes was accepted")
    }
  }

  /// Deterministic byte flips anywhere in a real file: parse and read must throw or succeed.
  @Test(arguments: ["mlp_state_dict.pt", "zipfile_deflated_descriptors.zip", "no_crc.pt"])
  func randomCorruptionNeverCrashes(file: String) throws {
    let original = try ZipFixtures.bytes(file)
    var rng = SplitMix64(seed: 42)
    var rejected = 0
    for _ in 0..<3000 {
      var bytes = original
      for _ in 0..<Int(rng.next() % 3 + 1) {
        let i = Int(rng.next() % UInt64(bytes.count))
        bytes[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
      }
      if firstError(bytes) != nil { rejected += 1 }
    }
    #expect(rejected > 0)
  }

  @Test func badMagicNamesTheBytes() throws {
    var bytes = try ZipFixtures.bytes("mlp_state_dict.pt")
    bytes.replaceSubrange(0..<4, with: Array("XY\u{1}Z".utf8))
    let error = firstError(bytes)
    #expect(error?.code == .badMagic)
    #expect(
      error?.message
        == "not a zip archive: the file starts with 58 59 01 5a, not 50 4b 03 04 (PK\\3\\4)")
  }

  @Test func emptyAndTinyInputsAreTruncated() {
    #expect(firstError([])?.code == .truncated)
    #expect(firstError([0x50, 0x4B, 0x03, 0x04])?.code == .truncated)
    #expect(firstError(Array(repeating: 0x50, count: 3))?.code == .truncated)
  }

  @Test func wrongDataCRCIsReportedWithRecordAndOffset() throws {
    var bytes = try ZipFixtures.bytes("mlp_state_dict.pt")
    let zip = try archive(bytes)
    let e = try #require(zip.entry(named: "mlp_state_dict/data/0"))
    bytes[e.dataOffset] ^= 0xFF
    let bad = try archive(bytes)  // the directory is intact
    let entry = try #require(bad.entry(named: e.name))
    let actual = Array(bytes[e.dataOffset..<(e.dataOffset + e.compressedSize)]).withUnsafeBytes {
      Zlib.crc32($0)
    }
    #expect(throws: FormatError.self) { try bad.data(for: entry) }
    do {
      _ = try bad.data(for: entry)
    } catch {
      #expect(error.code == .badCRC)
      #expect(
        error.message
          == "record 'mlp_state_dict/data/0' (local header at offset \(e.localHeaderOffset)): "
          + "CRC-32 of its \(e.compressedSize) bytes is \(hex(actual)) but the central directory "
          + "says \(hex(e.crc32))")
    }
    // Zero-copy access checks the CRC only when asked.
    #expect(try bad.storage(for: entry).byteCount == e.compressedSize)
    #expect(throws: FormatError.self) { try bad.storage(for: entry, verifyingCRC: true) }
  }

  @Test func descriptorThatContradictsTheDirectoryIsCorrupt() throws {
    var bytes = try ZipFixtures.bytes("mlp_state_dict.pt")
    let e = try #require(try archive(bytes).entry(named: "mlp_state_dict/data.pkl"))
    let descriptor = e.dataOffset + e.compressedSize
    #expect(bytes.le32(at: descriptor) == 0x0807_4B50)
    bytes[descriptor + 4] ^= 1
    #expect(firstError(bytes)?.code == .corrupt)
  }

  @Test func crcZeroMeansUnchecked() throws {
    // torch.serialization.set_crc32_options(False) writes 0 in every CRC field.
    let zip = try ZipArchive.open(contentsOf: ZipFixtures.url("no_crc.pt"), memoryMapped: false)
    #expect(zip.entries.allSatisfy { $0.crc32 == 0 })
    for e in zip.entries { _ = try zip.data(for: e) }
  }

  // MARK: zip bombs and declared sizes

  @Test func declaredSizeBeyondDeflateRatioIsRefusedBeforeAllocating() throws {
    var hand = HandZip()
    hand.deflated("b/bomb", Array(repeating: 0, count: 1000), declaredSize: 0x7FFF_FFFF)
    let zip = try archive(hand.build().bytes)
    let e = zip.entries[0]
    #expect(throws: FormatError.self) { try zip.data(for: e) }
    do { _ = try zip.storage(for: e) } catch {
      #expect(error.code == .limitExceeded)
      #expect(error.message.contains("more than deflate's maximum ratio of 1032:1"))
    }
  }

  @Test func inflatingPastTheDeclaredSizeStops() throws {
    var hand = HandZip()
    hand.deflated("b/more", Array(repeating: 7, count: 100_000), declaredSize: 1000)
    let zip = try archive(hand.build().bytes)
    do {
      _ = try zip.data(for: zip.entries[0])
      Issue.record("accepted")
    } catch {
      #expect(error.code == .limitExceeded)
      #expect(
        error.message
          == "record 'b/more' (data at offset 36) inflates to more than its declared 1000 bytes; "
          + "stopped there")
    }
  }

  @Test func inflatingToFewerBytesThanDeclaredIsCorrupt() throws {
    var hand = HandZip()
    hand.deflated("b/less", Array(repeating: 7, count: 1000), declaredSize: 5000)
    let zip = try archive(hand.build().bytes)
    #expect(firstErrorCode { try zip.data(for: zip.entries[0]) } == .corrupt)
  }

  @Test func honestHighRatioRecordInflates() throws {
    var hand = HandZip()
    let zeros = [UInt8](repeating: 0, count: 4 << 20)
    hand.deflated("b/zeros", zeros)
    let zip = try archive(hand.build().bytes)
    #expect(zip.entries[0].compressedSize * 1000 < zeros.count)
    #expect(try zip.data(for: zip.entries[0]) == zeros)
  }

  @Test func garbageDeflateDataIsCorruptOrTruncated() throws {
    var hand = HandZip()
    hand.stored("g/x", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    hand.items[0].method = 8
    hand.items[0].uncompressedSize = 100
    let zip = try archive(hand.build().bytes)
    let code = firstErrorCode { try zip.data(for: zip.entries[0]) }
    #expect(code == .corrupt || code == .truncated)
  }

  @Test func storedRecordWithDifferentSizesIsCorrupt() throws {
    var hand = HandZip()
    hand.stored("s/x", [1, 2, 3])
    hand.items[0].uncompressedSize = 4
    hand.items[0].flags |= 0x0008  // no local size check
    let zip = try archive(hand.build().bytes)
    #expect(firstErrorCode { try zip.data(for: zip.entries[0]) } == .corrupt)
  }

  @Test func hugeDeclaredSizesAndCountsAreRefused() throws {
    var hand = HandZip()
    hand.stored("h/x", Array(repeating: 1, count: 64))
    let (good, _, cd) = hand.build()
    // Compressed size far past the file.
    var a = good
    a.putLE32(0xFFFF_FFF0, at: cd + 20)
    #expect(firstError(a)?.code == .corrupt)
    // Entry count the directory cannot hold.
    var b = good
    b.putLE16(0xFFFF, at: b.count - 22 + 8)
    b.putLE16(0xFFFF, at: b.count - 22 + 10)
    #expect(firstError(b)?.message.contains("declares 65535 entries") == true)
    // Central directory offset past the end.
    var c = good
    c.putLE32(0x7FFF_FFFF, at: c.count - 22 + 16)
    #expect(firstError(c)?.code == .corrupt)
    // Saturated size without a zip64 extra: 0xFFFFFFFF bytes cannot fit.
    var d = good
    d.putLE32(0xFFFF_FFFF, at: cd + 20)
    d.putLE32(0xFFFF_FFFF, at: cd + 24)
    #expect(firstError(d) != nil)
  }

  @Test func zip64ExtraWithAbsurdSizeIsRefused() throws {
    var bytes = try ZipFixtures.bytes("hand_zip64_central.zip")
    // The first central entry's zip64 extra: uncompressed size at name end + 4.
    let cd = Int(bytes.le32(at: bytes.count - 22 - 20 - 56 + 48))
    let extra = cd + 46 + "h/data.pkl".utf8.count
    for k in 0..<8 { bytes[extra + 4 + k] = k == 7 ? 0x40 : 0 }
    for k in 0..<8 { bytes[extra + 12 + k] = k == 7 ? 0x40 : 0 }
    #expect(firstError(bytes)?.code == .corrupt)
    // An uncompressed size beyond Int.max (a trap if converted blindly).
    for k in 0..<8 { bytes[extra + 4 + k] = 0xFF }
    #expect(firstError(bytes)?.code == .limitExceeded)
  }

  @Test func zip64LocatorPointingNowhereIsRefused() throws {
    var bytes = try ZipFixtures.bytes("mlp_state_dict.pt")
    let locator = bytes.count - 22 - 20
    #expect(bytes.le32(at: locator) == 0x0706_4B50)
    bytes.putLE32(5, at: locator + 8)  // offset of the zip64 end record
    #expect(firstError(bytes)?.code == .badMagic)
    bytes.putLE32(0xFFFF_FF00, at: locator + 8)
    #expect(firstError(bytes)?.code == .corrupt)
  }

  @Test func overlappingRecordsAreRefused() throws {
    // Record "o/b" is a valid local header + data hidden inside the data of "o/a".
    var probe = HandZip()
    probe.stored("o/b", [9, 8, 7, 6])
    let bRecord = Array(probe.build().bytes[0..<(30 + 3 + 4)])
    var hand = HandZip()
    hand.stored("o/a", [1, 2] + bRecord + [3, 4])
    hand.stored("o/b", [9, 8, 7, 6])
    var (bytes, offsets, cd) = hand.build()
    let secondCentral = cd + 46 + 3
    bytes.putLE32(UInt32(offsets[0] + 30 + 3 + 2), at: secondCentral + 42)
    let error = firstError(bytes)
    #expect(error?.code == .corrupt)
    #expect(error?.message.contains("overlap") == true)
  }

  @Test func duplicateNamesAreRefused() {
    var hand = HandZip()
    hand.stored("d/x", [1])
    hand.stored("d/x", [2])
    let error = firstError(hand.build().bytes)
    #expect(error?.code == .corrupt)
    #expect(error?.message.contains("duplicate name 'd/x'") == true)
  }

  @Test func localHeaderMustMatchCentralDirectory() {
    var hand = HandZip()
    hand.stored("m/x", [1, 2, 3])
    let (good, offsets, _) = hand.build()
    var renamed = good
    renamed[offsets[0] + 30 + 2] = UInt8(ascii: "y")
    #expect(firstError(renamed)?.message.contains("names a different record") == true)
    var method = good
    method.putLE16(8, at: offsets[0] + 8)
    #expect(firstError(method)?.message.contains("says method 8") == true)
    var crc = good
    crc[offsets[0] + 14] ^= 1
    #expect(firstError(crc)?.message.contains("disagrees with the central directory") == true)
    var signature = good
    signature[offsets[0]] = 0
    #expect(firstError(signature)?.code != nil)
  }

  @Test func unsupportedMethodAndEncryptionAreNamed() throws {
    var hand = HandZip()
    hand.stored("u/lzma", [1, 2, 3])
    hand.items[0].method = 14
    hand.stored("u/secret", [1, 2, 3])
    hand.items[1].flags |= 1
    let zip = try archive(hand.build().bytes)
    #expect(firstErrorCode { try zip.data(for: zip.entries[0]) } == .unsupported)
    #expect(firstErrorCode { try zip.storage(for: zip.entries[1]) } == .unsupported)
  }

  @Test func foreignEntryOutsideTheArchiveIsRefused() throws {
    let zip = try archive(try ZipFixtures.bytes("no_crc.pt"))
    var e = zip.entries[0]
    e.dataOffset = zip.backing.byteCount - 2
    #expect(firstErrorCode { try zip.storage(for: e) } == .truncated)
  }

  @Test func missingFileIsAnIOError() {
    do {
      _ = try ZipArchive.open(
        contentsOf: URL(fileURLWithPath: "/nonexistent/x.pt"), memoryMapped: false)
      Issue.record("accepted")
    } catch {
      #expect(error.code == .io)
      #expect(error.message.hasPrefix("cannot open /nonexistent/x.pt: No such file or directory"))
    }
  }

  private func firstErrorCode<T>(_ body: () throws -> T) -> FormatError.Code? {
    do {
      _ = try body()
      return nil
    } catch {
      return (error as? FormatError)?.code
    }
  }
}

/// A small deterministic generator for the fuzz-style tests.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
