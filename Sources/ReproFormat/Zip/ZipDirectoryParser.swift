/// Reads a zip archive's end records and central directory, checking each entry against its
/// local header.
///
/// Internal to ``ZipArchive``; every read is bounds-checked.
struct ZipDirectoryParser {
  let bytes: LEBytes
  private static let u32Max: UInt64 = 0xFFFF_FFFF

  /// The end-record values that locate the central directory.
  private struct Directory {
    var entryCount: UInt64
    var offset: UInt64
    var size: UInt64
    /// Where the central directory must end: the first end record's offset.
    var limit: Int
  }

  func parse() throws(FormatError) -> [ZipEntry] {
    let directory = try readEndRecords()
    var entries: [ZipEntry] = []
    var spans: [(start: Int, end: Int, index: Int)] = []
    entries.reserveCapacity(Int(directory.entryCount))
    var names = Set<String>()
    var p = Int(directory.offset)
    let cdEnd = Int(directory.offset + directory.size)
    for i in 0..<Int(directory.entryCount) {
      let (entry, next, recordEnd) = try readEntry(
        number: i, at: p, directoryEnd: cdEnd,
        directoryStart: Int(directory.offset))
      guard names.insert(entry.name).inserted else {
        throw FormatError(
          .corrupt, "central directory entry #\(i) at offset \(p): duplicate name '\(entry.name)'")
      }
      spans.append((entry.localHeaderOffset, recordEnd, i))
      entries.append(entry)
      p = next
    }
    spans.sort { $0.start < $1.start }
    for k in spans.indices.dropFirst() where spans[k - 1].end > spans[k].start {
      let a = entries[spans[k - 1].index]
      let b = entries[spans[k].index]
      throw FormatError(
        .corrupt,
        "records '\(a.name)' (offsets \(spans[k - 1].start)..<\(spans[k - 1].end)) and "
          + "'\(b.name)' (local header at offset \(spans[k].start)) overlap")
    }
    return entries
  }

  // MARK: End records

  private func readEndRecords() throws(FormatError) -> Directory {
    let eocd = try findEndOfCentralDirectory()
    let disk = bytes.u16(eocd + 4)
    let cdDisk = bytes.u16(eocd + 6)
    let onDisk = bytes.u16(eocd + 8)
    var dir = Directory(
      entryCount: UInt64(bytes.u16(eocd + 10)), offset: UInt64(bytes.u32(eocd + 16)),
      size: UInt64(bytes.u32(eocd + 12)), limit: eocd)
    var multiDisk = disk != 0 || cdDisk != 0 || UInt64(onDisk) != dir.entryCount
    let locator = eocd - 20
    if locator >= 0 && bytes.hasSignature(ZipSignature.zip64Locator, at: locator) {
      let z64 = bytes.u64(locator + 8)
      guard z64 <= UInt64(locator), UInt64(locator) - z64 >= 56 else {
        throw FormatError(
          .corrupt,
          "zip64 end locator at offset \(locator) points to offset \(z64), which leaves no room "
            + "for the 56-byte zip64 end of central directory record before the locator")
      }
      let r = Int(z64)
      guard bytes.hasSignature(ZipSignature.zip64EndOfCentralDirectory, at: r) else {
        throw FormatError(
          .badMagic,
          "zip64 end of central directory record not found at offset \(r) (named by the "
            + "locator at offset \(locator))")
      }
      let recordSize = bytes.u64(r + 4)
      guard recordSize >= 44, recordSize <= UInt64(locator - r - 12) else {
        throw FormatError(
          .corrupt,
          "zip64 end of central directory record at offset \(r) declares size \(recordSize) "
            + "(must be 44...\(locator - r - 12))")
      }
      multiDisk =
        bytes.u32(r + 16) != 0 || bytes.u32(r + 20) != 0
        || bytes.u64(r + 24) != bytes.u64(r + 32) || bytes.u32(locator + 4) != 0
      dir = Directory(
        entryCount: bytes.u64(r + 32), offset: bytes.u64(r + 48), size: bytes.u64(r + 40),
        limit: r)
    }
    if multiDisk {
      throw FormatError(.unsupported, "multi-disk (split) zip archives are not supported")
    }
    guard dir.offset <= UInt64(dir.limit), dir.size <= UInt64(dir.limit) - dir.offset else {
      throw FormatError(
        .corrupt,
        "central directory (offset \(dir.offset), \(dir.size) bytes) runs past the end records "
          + "at offset \(dir.limit)")
    }
    guard dir.entryCount <= dir.size / 46 else {
      throw FormatError(
        .corrupt,
        "end of central directory declares \(dir.entryCount) entries but the \(dir.size)-byte "
          + "central directory holds at most \(dir.size / 46)")
    }
    return dir
  }

  /// Scans backwards (at most 64 KiB of comment) for the end of central directory record.
  private func findEndOfCentralDirectory() throws(FormatError) -> Int {
    let n = bytes.count
    if n >= 4 && bytes.u32(0) != ZipSignature.localHeader
      && bytes.u32(0) != ZipSignature.endOfCentralDirectory
    {
      let head = (0..<4).map { b -> String in
        let h = unsafe String(bytes.bytes[b], radix: 16)
        return h.count == 1 ? "0" + h : h
      }.joined(separator: " ")
      throw FormatError(
        .badMagic, "not a zip archive: the file starts with \(head), not 50 4b 03 04 (PK\\3\\4)")
    }
    guard n >= 22 else {
      throw FormatError(
        .truncated,
        "a \(n)-byte file is too short for a zip archive (end record alone is 22 bytes)")
    }
    var lenient: Int?
    var p = n - 22
    let lowest = max(0, n - 22 - 0xFFFF)
    while p >= lowest {
      if bytes.u32(p) == ZipSignature.endOfCentralDirectory {
        let commentEnd = p + 22 + Int(bytes.u16(p + 20))
        if commentEnd == n { return p }
        if commentEnd < n && lenient == nil { lenient = p }
      }
      p -= 1
    }
    if let lenient { return lenient }
    throw FormatError(
      .truncated,
      "end of central directory record (50 4b 05 06) not found in the last \(n - lowest) bytes "
        + "of the \(n)-byte file (truncated archive?)")
  }

  // MARK: Entries

  private func readEntry(number i: Int, at p: Int, directoryEnd: Int, directoryStart: Int)
    throws(FormatError) -> (ZipEntry, next: Int, recordEnd: Int)
  {
    let what = "central directory entry #\(i)"
    guard p <= directoryEnd - 46 else {
      throw FormatError(
        .truncated, "\(what) at offset \(p) runs past the central directory's end (\(directoryEnd))"
      )
    }
    guard bytes.u32(p) == ZipSignature.centralHeader else {
      throw FormatError(
        .badMagic, "\(what): no central header signature (50 4b 01 02) at offset \(p)")
    }
    let flags = bytes.u16(p + 8)
    let method = bytes.u16(p + 10)
    let crc = bytes.u32(p + 16)
    var csize = UInt64(bytes.u32(p + 20))
    var usize = UInt64(bytes.u32(p + 24))
    let nameLength = Int(bytes.u16(p + 28))
    let extraLength = Int(bytes.u16(p + 30))
    let commentLength = Int(bytes.u16(p + 32))
    var lho = UInt64(bytes.u32(p + 42))
    let next = p + 46 + nameLength + extraLength + commentLength
    guard next <= directoryEnd else {
      throw FormatError(
        .truncated,
        "\(what) at offset \(p): name, extra and comment (\(nameLength + extraLength + commentLength) "
          + "bytes) run past the central directory's end (\(directoryEnd))")
    }
    let nameBytes = unsafe bytes.slice(p + 46, nameLength)
    let name = unsafe try Self.decodeName(
      nameBytes, utf8: flags & 0x0800 != 0, what: "\(what) at offset \(p)")
    // zip64 extended information: only the saturated 32-bit fields are present, in this order.
    var q = p + 46 + nameLength
    let extraEnd = q + extraLength
    var hasZip64 = false
    while q + 4 <= extraEnd {
      let id = bytes.u16(q)
      let length = Int(bytes.u16(q + 2))
      guard q + 4 + length <= extraEnd else {
        throw FormatError(
          .corrupt,
          "'\(name)': extra field \(hex(id)) at offset \(q) declares \(length) bytes, only "
            + "\(extraEnd - q - 4) left")
      }
      if id == 0x0001 {
        hasZip64 = true
        var r = q + 4
        func take(_ field: String) throws(FormatError) -> UInt64 {
          guard r + 8 <= q + 4 + length else {
            throw FormatError(
              .corrupt,
              "'\(name)': zip64 extra field at offset \(q) lacks the \(field) (\(length) bytes)")
          }
          defer { r += 8 }
          return bytes.u64(r)
        }
        if usize == Self.u32Max { usize = try take("uncompressed size") }
        if csize == Self.u32Max { csize = try take("compressed size") }
        if lho == Self.u32Max { lho = try take("local header offset") }
      }
      q += 4 + length
    }
    guard usize <= UInt64(Int.max) else {
      throw FormatError(
        .limitExceeded, "'\(name)': declared uncompressed size \(usize) is not representable")
    }
    let local = unsafe try readLocalHeader(
      name: name, nameBytes: nameBytes, centralMethod: method, centralCRC: crc,
      csize: csize, usize: usize, offset: lho, directoryStart: directoryStart)
    let dataEnd = local.dataOffset + Int(csize)
    let recordEnd =
      flags & 0x0008 != 0
      ? dataEnd
        + (try descriptorLength(
          name: name, at: dataEnd, crc: crc, csize: csize, usize: usize,
          zip64: hasZip64 || local.hasZip64, limit: directoryStart))
      : dataEnd
    let entry = ZipEntry(
      name: name, method: method, crc32: crc, compressedSize: Int(csize),
      uncompressedSize: Int(usize), localHeaderOffset: Int(lho), dataOffset: local.dataOffset,
      flags: flags)
    return (entry, next, recordEnd)
  }

  private func readLocalHeader(
    name: String, nameBytes: UnsafeRawBufferPointer, centralMethod: UInt16, centralCRC: UInt32,
    csize: UInt64, usize: UInt64, offset: UInt64, directoryStart: Int
  ) throws(FormatError) -> (dataOffset: Int, hasZip64: Bool) {
    let what = "record '\(name)'"
    guard offset <= UInt64(directoryStart), UInt64(directoryStart) - offset >= 30 else {
      throw FormatError(
        .corrupt,
        "\(what): local header offset \(offset) is not before the central directory "
          + "(offset \(directoryStart))")
    }
    let h = Int(offset)
    guard bytes.u32(h) == ZipSignature.localHeader else {
      throw FormatError(
        .badMagic, "\(what): no local header signature (50 4b 03 04) at offset \(h)")
    }
    let flags = bytes.u16(h + 6)
    let method = bytes.u16(h + 8)
    let nameLength = Int(bytes.u16(h + 26))
    let extraLength = Int(bytes.u16(h + 28))
    let dataOffset = h + 30 + nameLength + extraLength
    guard dataOffset <= directoryStart, csize <= UInt64(directoryStart - dataOffset) else {
      throw FormatError(
        .corrupt,
        "\(what): local header at offset \(h) puts \(csize) data bytes at offset \(dataOffset), "
          + "past the central directory (offset \(directoryStart))")
    }
    guard unsafe bytes.slice(h + 30, nameLength).elementsEqual(nameBytes) else {
      throw FormatError(
        .corrupt, "\(what): the local header at offset \(h) names a different record")
    }
    guard method == centralMethod else {
      throw FormatError(
        .corrupt,
        "\(what): local header at offset \(h) says method \(method), central directory "
          + "\(centralMethod)")
    }
    var hasZip64 = false
    var q = h + 30 + nameLength
    while q + 4 <= dataOffset {
      let length = Int(bytes.u16(q + 2))
      if bytes.u16(q) == 0x0001 { hasZip64 = true }
      q += 4 + length
    }
    if flags & 0x0008 == 0 {
      // Without a data descriptor the local header carries the real values.
      let lcrc = bytes.u32(h + 14)
      let lc = UInt64(bytes.u32(h + 18))
      let lu = UInt64(bytes.u32(h + 22))
      let sizesAgree = (lc == Self.u32Max || lc == csize) && (lu == Self.u32Max || lu == usize)
      guard lcrc == centralCRC, sizesAgree else {
        throw FormatError(
          .corrupt,
          "\(what): local header at offset \(h) (CRC \(hex(lcrc)), sizes \(lc)/\(lu)) disagrees "
            + "with the central directory (CRC \(hex(centralCRC)), sizes \(csize)/\(usize))")
      }
    }
    return (dataOffset, hasZip64)
  }

  /// The length of the data descriptor at `p` (16/24 bytes with signature, 12/20 without),
  /// checked against the directory; 0 when none is recognisable (readers must tolerate that).
  private func descriptorLength(
    name: String, at p: Int, crc: UInt32, csize: UInt64, usize: UInt64, zip64: Bool, limit: Int
  ) throws(FormatError) -> Int {
    let signed = bytes.hasSignature(ZipSignature.dataDescriptor, at: p)
    let base = signed ? p + 4 : p
    let length = (zip64 ? 20 : 12) + (signed ? 4 : 0)
    guard p + length <= limit else {
      if signed {
        throw FormatError(
          .corrupt,
          "record '\(name)': data descriptor at offset \(p) runs into the central directory")
      }
      return 0
    }
    let dcrc = bytes.u32(base)
    let sizesMatch =
      zip64
      ? bytes.u64(base + 4) == csize && bytes.u64(base + 12) == usize
      : UInt64(bytes.u32(base + 4)) == csize && UInt64(bytes.u32(base + 8)) == usize
    if dcrc == crc && sizesMatch { return length }
    if signed {
      throw FormatError(
        .corrupt,
        "record '\(name)': data descriptor at offset \(p) (CRC \(hex(dcrc))) disagrees with the "
          + "central directory (CRC \(hex(crc)), \(csize)/\(usize) bytes)")
    }
    return 0
  }

  // MARK: Names

  /// Decodes a name: UTF-8 when flag bit 11 is set or the bytes are ASCII, else code page 437.
  static func decodeName(_ raw: UnsafeRawBufferPointer, utf8: Bool, what: String)
    throws(FormatError) -> String
  {
    if unsafe utf8 || raw.allSatisfy({ $0 < 0x80 }) {
      guard let s = unsafe String(validating: raw, as: UTF8.self) else {
        throw FormatError(.corrupt, "\(what): the name is not valid UTF-8")
      }
      return s
    }
    return unsafe String(String.UnicodeScalarView(raw.map { CodePage437.scalar(for: $0) }))
  }
}

/// IBM code page 437, the zip default for names without the UTF-8 flag.
enum CodePage437 {
  private static let high: [UInt32] = [
    0xC7, 0xFC, 0xE9, 0xE2, 0xE4, 0xE0, 0xE5, 0xE7, 0xEA, 0xEB, 0xE8, 0xEF, 0xEE, 0xEC, 0xC4, 0xC5,
    0xC9, 0xE6, 0xC6, 0xF4, 0xF6, 0xF2, 0xFB, 0xF9, 0xFF, 0xD6, 0xDC, 0xA2, 0xA3, 0xA5, 0x20A7,
    0x192, 0xE1, 0xED, 0xF3, 0xFA, 0xF1, 0xD1, 0xAA, 0xBA, 0xBF, 0x2310, 0xAC, 0xBD, 0xBC, 0xA1,
    0xAB, 0xBB, 0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563,
    0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510, 0x2514, 0x2534, 0x252C, 0x251C, 0x2500,
    0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C,
    0x2588, 0x2584, 0x258C, 0x2590, 0x2580, 0x3B1, 0xDF, 0x393, 0x3C0, 0x3A3, 0x3C3, 0xB5, 0x3C4,
    0x3A6, 0x398, 0x3A9, 0x3B4, 0x221E, 0x3C6, 0x3B5, 0x2229, 0x2261, 0xB1, 0x2265, 0x2264,
    0x2320, 0x2321, 0xF7, 0x2248, 0xB0, 0x2219, 0xB7, 0x221A, 0x207F, 0xB2, 0x25A0, 0xA0,
  ]

  static func scalar(for byte: UInt8) -> Unicode.Scalar {
    byte < 0x80 ? Unicode.Scalar(byte) : Unicode.Scalar(high[Int(byte) - 0x80]) ?? "\u{FFFD}"
  }
}
