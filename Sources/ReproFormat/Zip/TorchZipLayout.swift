/// The byte layout of PyTorch's zip writer (`PyTorchStreamWriter` over miniz 3.0.2, stored
/// records, zip64 end records always): headers, padding, descriptors and end records for
/// records whose data the caller writes.
///
/// Shared by ``TorchZipWriter`` (memory) and
/// ``TorchZipStreamWriter`` (file descriptor); see torch-format.md section a.
struct TorchZipLayout: Sendable {
  let prefix: [UInt8]
  let alignment: Int
  let computesCRC32: Bool
  /// Bytes emitted so far: the offset of the next local header.
  private(set) var cursor = 0
  private(set) var central: [UInt8] = []
  private(set) var count = 0
  /// Record names (no folder) in write order, without `.data/serialization_id`.
  private(set) var names: [String] = []
  /// The values the writer's output hook hashed for the id, in write order.
  private(set) var descriptorCRCs: [UInt32] = []

  private static let u32Max = 0xFFFF_FFFF

  init(archiveName: String, alignment: Int, computesCRC32: Bool) {
    precondition(alignment > 0, "storage alignment must be positive")
    prefix = Array((archiveName + "/").utf8)
    self.alignment = alignment
    self.computesCRC32 = computesCRC32
  }

  /// The serialization id PyTorch would write for the records so far.
  var serializationID: String {
    SerializationID.make(recordNames: names, descriptorCRCs: descriptorCRCs)
  }

  /// Registers a record of `size` bytes whose data starts with `leading` (its first bytes, at
  /// least 8 when the record has 8) and has CRC-32 `crc`; returns the local header (with its
  /// "FB" padding) to write before the data and the data descriptor to write after it.
  ///
  /// - Precondition: the full name fits in 65535 bytes (a programmer error otherwise).
  mutating func addRecord(
    name: String, size: Int, crc rawCRC: UInt32, leading: UnsafeRawBufferPointer
  ) -> (header: [UInt8], descriptor: [UInt8]) {
    let fullName = prefix + Array(name.utf8)
    precondition(fullName.count <= 0xFFFF, "zip record name longer than 65535 bytes")
    let crc = computesCRC32 ? rawCRC : 0
    let bigSize = size >= Self.u32Max
    let bigOffset = cursor >= Self.u32Max
    let zip64 = bigSize || bigOffset
    // detail::getPadding: where the data would start with an empty FB field.
    var start = cursor + 30 + fullName.count + 4
    if zip64 { start += 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) }
    let pad = (alignment - start % alignment) % alignment

    var extra: [UInt8] = []
    if zip64 {
      extra.appendLE(UInt16(1))
      extra.appendLE(UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
      if bigSize {
        extra.appendLE(UInt64(size))
        extra.appendLE(UInt64(0))  // miniz writes the compressed size before compressing
      }
      if bigOffset { extra.appendLE(UInt64(cursor)) }
    }
    extra += [0x46, 0x42]  // "FB"
    extra.appendLE(UInt16(pad))
    extra += [UInt8](repeating: 0x5A, count: pad)  // "Z"
    precondition(extra.count <= 0xFFFF, "storage alignment too large for a zip extra field")

    let flags: UInt16 = size > 0 ? 0x0808 : 0x0800  // data descriptor + UTF-8 name
    var header: [UInt8] = []
    header.reserveCapacity(30 + fullName.count + extra.count)
    header.appendLE(ZipSignature.localHeader)
    header.appendLE(UInt16(0))  // version needed
    header.appendLE(flags)
    header.appendLE(UInt16(0))  // method: stored
    header.appendLE(UInt16(0))  // time
    header.appendLE(UInt16(0))  // date
    header.appendLE(UInt32(0))  // CRC (in the descriptor)
    header.appendLE(UInt32(0))  // compressed size
    header.appendLE(UInt32(0))  // uncompressed size
    header.appendLE(UInt16(fullName.count))
    header.appendLE(UInt16(extra.count))
    header += fullName
    header += extra

    // PyTorch's output hook hashes the LE32 at +4 of any write that starts with PK\7\8,
    // payloads included (miniz writes a payload in one call).
    if unsafe size >= 8 && leading.count >= 8
      && leading.loadUnaligned(as: UInt32.self) == ZipSignature.dataDescriptor.littleEndian
    {
      unsafe descriptorCRCs.append(
        UInt32(littleEndian: leading.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
    }
    var descriptor: [UInt8] = []
    if size > 0 {
      descriptor.appendLE(ZipSignature.dataDescriptor)
      descriptor.appendLE(crc)
      if zip64 {
        descriptor.appendLE(UInt64(size))
        descriptor.appendLE(UInt64(size))
      } else {
        descriptor.appendLE(UInt32(size))
        descriptor.appendLE(UInt32(size))
      }
      descriptorCRCs.append(crc)
    }

    var centralExtra: [UInt8] = []
    if zip64 {
      centralExtra.appendLE(UInt16(1))
      centralExtra.appendLE(UInt16((bigSize ? 16 : 0) + (bigOffset ? 8 : 0)))
      if bigSize {
        centralExtra.appendLE(UInt64(size))
        centralExtra.appendLE(UInt64(size))
      }
      if bigOffset { centralExtra.appendLE(UInt64(cursor)) }
    }
    central.appendLE(ZipSignature.centralHeader)
    central.appendLE(UInt16(0))  // made by
    central.appendLE(UInt16(0))  // needed
    central.appendLE(flags)
    central.appendLE(UInt16(0))  // method
    central.appendLE(UInt16(0))  // time
    central.appendLE(UInt16(0))  // date
    central.appendLE(crc)
    central.appendLE(UInt32(min(size, Self.u32Max)))
    central.appendLE(UInt32(min(size, Self.u32Max)))
    central.appendLE(UInt16(fullName.count))
    central.appendLE(UInt16(centralExtra.count))
    central.appendLE(UInt16(0))  // comment length
    central.appendLE(UInt16(0))  // disk
    central.appendLE(UInt16(0))  // internal attributes
    central.appendLE(UInt32(0))  // external attributes
    central.appendLE(UInt32(min(cursor, Self.u32Max)))
    central += fullName
    central += centralExtra

    cursor += header.count + size + descriptor.count
    count += 1
    if name != ".data/serialization_id" { names.append(name) }
    return (header, descriptor)
  }

  /// The central directory, zip64 end record, zip64 locator and end record (always zip64).
  func endRecords() -> [UInt8] {
    var out = central
    let cdOffset = cursor
    let z64Offset = cursor + central.count
    out.appendLE(ZipSignature.zip64EndOfCentralDirectory)
    out.appendLE(UInt64(44))
    out.appendLE(UInt16(0x031E))  // made by
    out.appendLE(UInt16(0x002D))  // needed
    out.appendLE(UInt32(0))
    out.appendLE(UInt32(0))
    out.appendLE(UInt64(count))
    out.appendLE(UInt64(count))
    out.appendLE(UInt64(central.count))
    out.appendLE(UInt64(cdOffset))
    out.appendLE(ZipSignature.zip64Locator)
    out.appendLE(UInt32(0))
    out.appendLE(UInt64(z64Offset))
    out.appendLE(UInt32(1))
    out.appendLE(ZipSignature.endOfCentralDirectory)
    out.appendLE(UInt16(0))
    out.appendLE(UInt16(0))
    out.appendLE(UInt16(min(count, 0xFFFF)))
    out.appendLE(UInt16(min(count, 0xFFFF)))
    out.appendLE(UInt32(min(central.count, Self.u32Max)))
    out.appendLE(UInt32(min(cdOffset, Self.u32Max)))
    out.appendLE(UInt16(0))
    return out
  }
}
