internal import CZlib
import ReproTensor

// TEMPORARY: a minimal zip reader/writer so the pickle layer can be tested end to end before
// the `containers` branch (ZipArchive / TorchZipWriter) lands. Everything zip-specific that
// TorchFile needs goes through `TorchRecordReader` / `TorchRecordWriter` below; swapping in
// ZipArchive means re-implementing those two types only.

/// Reads the records of a torch zip archive (stored records; zip64 aware).
struct TorchRecordReader {
  struct Entry {
    var name: String
    var dataOffset: Int
    var size: Int
    var method: UInt16
    var crc: UInt32
  }

  /// The whole file, shared by every borrowed record.
  let file: Storage
  let entries: [Entry]
  let index: [String: Int]

  init(file: Storage) throws(FormatError) {
    self.file = file
    let parsed = try file.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws(FormatError) -> [Entry] in
      try TorchRecordReader.parse(raw)
    }
    entries = parsed
    var idx: [String: Int] = [:]
    for (i, e) in parsed.enumerated() where idx[e.name] == nil { idx[e.name] = i }
    index = idx
  }

  private static func u16(_ b: UnsafeRawBufferPointer, _ o: Int) -> Int {
    Int(b[o]) | Int(b[o + 1]) << 8
  }
  private static func u32(_ b: UnsafeRawBufferPointer, _ o: Int) -> Int {
    u16(b, o) | u16(b, o + 2) << 16
  }
  private static func u64(_ b: UnsafeRawBufferPointer, _ o: Int) throws(FormatError) -> Int {
    let v = UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32
    guard v <= UInt64(Int.max) else { throw FormatError(.corrupt, "zip: 64-bit field out of range") }
    return Int(v)
  }

  private static func parse(_ b: UnsafeRawBufferPointer) throws(FormatError) -> [Entry] {
    let n = b.count
    guard n >= 22 else { throw FormatError(.truncated, "zip: file of \(n) bytes has no end of central directory") }
    var eocd = -1
    var p = n - 22
    while p >= max(0, n - 65557) {
      if b[p] == 0x50, b[p + 1] == 0x4B, b[p + 2] == 5, b[p + 3] == 6 { eocd = p; break }
      p -= 1
    }
    guard eocd >= 0 else { throw FormatError(.badMagic, "zip: end of central directory record not found") }
    var count = u16(b, eocd + 10)
    var cdOffset = u32(b, eocd + 16)
    let loc = eocd - 20
    if loc >= 0, u32(b, loc) == 0x0706_4B50 {
      let z = try u64(b, loc + 8)
      guard z <= n - 56, u32(b, z) == 0x0606_4B50 else {
        throw FormatError(.corrupt, "zip: zip64 end of central directory record not found")
      }
      count = try u64(b, z + 32)
      cdOffset = try u64(b, z + 48)
    }
    var out: [Entry] = []
    p = cdOffset
    for i in 0..<count {
      guard p >= 0, p <= n - 46, u32(b, p) == 0x0201_4B50 else {
        throw FormatError(.corrupt, "zip: central directory entry \(i) at offset \(p) is invalid")
      }
      let method = UInt16(u16(b, p + 10))
      let crc = UInt32(u32(b, p + 16))
      var csize = u32(b, p + 20)
      var usize = u32(b, p + 24)
      let nlen = u16(b, p + 28), xlen = u16(b, p + 30), clen = u16(b, p + 32)
      var lho = u32(b, p + 42)
      guard p + 46 + nlen + xlen + clen <= n else { throw FormatError(.truncated, "zip: central directory entry \(i) is truncated") }
      let name = String(decoding: UnsafeRawBufferPointer(rebasing: b[(p + 46)..<(p + 46 + nlen)]), as: UTF8.self)
      var q = p + 46 + nlen
      let xend = q + xlen
      while q + 4 <= xend {
        let hid = u16(b, q), hlen = u16(b, q + 2)
        if hid == 1 {
          var r = q + 4
          if usize == 0xFFFF_FFFF, r + 8 <= xend { usize = try u64(b, r); r += 8 }
          if csize == 0xFFFF_FFFF, r + 8 <= xend { csize = try u64(b, r); r += 8 }
          if lho == 0xFFFF_FFFF, r + 8 <= xend { lho = try u64(b, r); r += 8 }
        }
        q += 4 + hlen
      }
      guard lho <= n - 30, u32(b, lho) == 0x0403_4B50 else {
        throw FormatError(.corrupt, "zip: bad local header for \(name)")
      }
      let data = lho + 30 + u16(b, lho + 26) + u16(b, lho + 28)
      guard data <= n, csize <= n - data else {
        throw FormatError(.truncated, "zip: record \(name) (\(csize) bytes at offset \(data)) extends beyond the file")
      }
      guard method == 0 || csize == usize else {
        throw FormatError(.unsupported, "zip: record \(name) is compressed (method \(method)); this reader reads stored records only")
      }
      out.append(Entry(name: name, dataOffset: data, size: csize, method: method, crc: crc))
      p += 46 + nlen + xlen + clen
    }
    return out
  }

  func has(_ name: String) -> Bool { index[name] != nil }

  /// A copy of a record.
  func bytes(_ name: String) throws(FormatError) -> [UInt8] {
    let e = try entry(name)
    return file.withUnsafeBytes { Array($0[e.dataOffset..<(e.dataOffset + e.size)]) }
  }

  /// A record as a storage: borrowed from the file (zero-copy) or copied.
  func storage(_ name: String, borrow: Bool) throws(FormatError) -> Storage {
    let e = try entry(name)
    return file.withUnsafeBytes { raw in
      let region = UnsafeRawBufferPointer(rebasing: raw[e.dataOffset..<(e.dataOffset + e.size)])
      return borrow
        ? Storage(borrowing: region, owner: file, isReadOnly: file.isReadOnly)
        : Storage(copying: region)
    }
  }

  func entry(_ name: String) throws(FormatError) -> Entry {
    guard let i = index[name] else {
      throw FormatError(.corrupt, "zip: record \(name) not found (PytorchStreamReader failed locating file \(name): file not found)")
    }
    return entries[i]
  }
}

/// Writes records the way PyTorchStreamWriter + miniz do (spec a.3 to a.7): stored, 64-byte
/// aligned data, data descriptors, zip64 end records.
struct TorchRecordWriter {
  private(set) var out: [UInt8] = []
  private var central: [UInt8] = []
  private var count = 0
  let prefix: String
  private(set) var names: [String] = []
  private(set) var crcs: [UInt32] = []

  init(archiveName: String) { prefix = archiveName + "/" }

  private static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

  mutating func add(_ name: String, _ data: UnsafeRawBufferPointer) {
    let full = Array((prefix + name).utf8)
    let size = data.count, cursor = out.count
    let bigSize = size >= 0xFFFF_FFFF, bigOfs = cursor >= 0xFFFF_FFFF
    var start = cursor + 30 + full.count + 4
    if bigSize || bigOfs { start += 4 + (bigSize ? 16 : 0) + (bigOfs ? 8 : 0) }
    let pad = (64 - start % 64) % 64
    var z64Local: [UInt8] = []
    var z64Central: [UInt8] = []
    if bigSize || bigOfs {
      let body = (bigSize ? Self.le(UInt64(size), 8) + Self.le(0, 8) : []) + (bigOfs ? Self.le(UInt64(cursor), 8) : [])
      z64Local = Self.le(1, 2) + Self.le(UInt64(body.count), 2) + body
      let cbody = (bigSize ? Self.le(UInt64(size), 8) + Self.le(UInt64(size), 8) : []) + (bigOfs ? Self.le(UInt64(cursor), 8) : [])
      z64Central = Self.le(1, 2) + Self.le(UInt64(cbody.count), 2) + cbody
    }
    let extra = z64Local + [0x46, 0x42] + Self.le(UInt64(pad), 2) + [UInt8](repeating: 0x5A, count: pad)
    let flags: UInt64 = size > 0 ? 0x0808 : 0x0800
    let crc = UInt32(truncatingIfNeeded: crc32(0, data.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(size)))
    out += Self.le(0x0403_4B50, 4) + Self.le(0, 2) + Self.le(flags, 2) + Self.le(0, 2 + 2 + 2 + 4 + 4 + 4)
    out += Self.le(UInt64(full.count), 2) + Self.le(UInt64(extra.count), 2) + full + extra
    if size >= 8, data[0] == 0x50, data[1] == 0x4B, data[2] == 7, data[3] == 8 {
      crcs.append(data.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
    }
    out += data
    if size > 0 {
      out += Self.le(0x0807_4B50, 4) + Self.le(UInt64(crc), 4)
      out += (bigSize || bigOfs) ? Self.le(UInt64(size), 8) + Self.le(UInt64(size), 8) : Self.le(UInt64(size), 4) + Self.le(UInt64(size), 4)
      crcs.append(crc)
    }
    let s32 = UInt64(min(size, 0xFFFF_FFFF)), o32 = UInt64(min(cursor, 0xFFFF_FFFF))
    central += Self.le(0x0201_4B50, 4) + Self.le(0, 2) + Self.le(0, 2) + Self.le(flags, 2) + Self.le(0, 6)
    central += Self.le(UInt64(crc), 4) + Self.le(s32, 4) + Self.le(s32, 4)
    central += Self.le(UInt64(full.count), 2) + Self.le(UInt64(z64Central.count), 2) + Self.le(0, 10) + Self.le(o32, 4)
    central += full + z64Central
    count += 1
    if name != ".data/serialization_id" { names.append(name) }
  }

  mutating func add(_ name: String, _ bytes: [UInt8]) {
    bytes.withUnsafeBytes { add(name, $0) }
  }

  mutating func finish() -> [UInt8] {
    let cdOffset = UInt64(out.count), cdSize = UInt64(central.count), n = UInt64(count)
    out += central
    let z64 = UInt64(out.count)
    out += Self.le(0x0606_4B50, 4) + Self.le(44, 8) + Self.le(0x031E, 2) + Self.le(0x002D, 2) + Self.le(0, 8)
    out += Self.le(n, 8) + Self.le(n, 8) + Self.le(cdSize, 8) + Self.le(cdOffset, 8)
    out += Self.le(0x0706_4B50, 4) + Self.le(0, 4) + Self.le(z64, 8) + Self.le(1, 4)
    out += Self.le(0x0605_4B50, 4) + Self.le(0, 4) + Self.le(min(n, 0xFFFF), 2) + Self.le(min(n, 0xFFFF), 2)
    out += Self.le(min(cdSize, 0xFFFF_FFFF), 4) + Self.le(min(cdOffset, 0xFFFF_FFFF), 4) + Self.le(0, 2)
    return out
  }
}
