import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// A plain (not memory-mapped) load of a torch zip file reads each stored record straight into
/// a storage of its own, in 1 MiB pieces on every core, and checks every record's CRC-32.
@Suite struct CopyingLoadTests {
  /// 300,000 float32 values (1.2 MB, two pieces) and three small tensors, saved by TorchFile.
  static func savedFile(in dir: URL) throws -> (url: URL, big: [Float]) {
    let big = (0..<300_000).map { Float($0) * 0.5 - 7 }
    let tree = PickleValue.dict([
      PicklePair(.string("big"), .tensor(Tensor(big, shape: [600, 500]))),
      PicklePair(.string("small"), .tensor(Tensor([1, 2, 3] as [Float]))),
      PicklePair(.string("empty"), .tensor(Tensor([] as [Float]))),
      PicklePair(.string("steps"), .tensor(Tensor([42] as [Int64]))),
    ])
    let url = dir.appendingPathComponent("ckpt.pt")
    try TorchFile.save(tree, to: url)
    return (url, big)
  }

  static func withTemporaryFolder(_ body: (URL) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-copying-load-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try body(dir)
  }

  @Test func loadedTensorsOwnWritableCopiesThatOutliveChangesToTheFile() throws {
    try Self.withTemporaryFolder { dir in
      let (url, big) = try Self.savedFile(in: dir)
      for loaded in [try TorchFile.load(contentsOf: url), try Checkpoint.load(contentsOf: url)] {
        let t = try #require(loaded.root["big"]?.tensor)
        #expect(t.toArray(of: Float.self) == big)
        #expect(loaded.root["small"]?.tensor?.toArray(of: Float.self) == [1, 2, 3])
        #expect(loaded.root["empty"]?.tensor?.count == 0)
        #expect(loaded.root["steps"]?.tensor?.toArray(of: Int64.self) == [42])
        #expect(loaded.tensors.allSatisfy { !$0.storage.isReadOnly && !$0.storage.isBorrowed })
        // Overwriting the file in place (not a rename) changes nothing that was loaded.
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 0)
        try handle.close()
        #expect(t.toArray(of: Float.self) == big)
        _ = try Self.savedFile(in: dir)
      }
    }
  }

  @Test func aFlippedByteInTheSecondPieceOfARecordFailsItsCRC() throws {
    try Self.withTemporaryFolder { dir in
      let (url, _) = try Self.savedFile(in: dir)
      var bytes = try [UInt8](Data(contentsOf: url))
      let archive = try ZipArchive(bytes: Storage(bytes: bytes))
      let record = try #require(
        archive.entries.first { $0.uncompressedSize > StoredRecordCopier.pieceSize })
      bytes[record.dataOffset + StoredRecordCopier.pieceSize + 1000] ^= 0x10
      try Data(bytes).write(to: url)
      for load in [
        { () throws -> Void in _ = try TorchFile.load(contentsOf: url) },
        { () throws -> Void in _ = try Checkpoint.load(contentsOf: url) },
      ] {
        let error = #expect(throws: FormatError.self) { try load() }
        #expect(error?.code == .badCRC)
        let message = error?.message ?? ""
        #expect(message.contains("record '\(record.name)'"), "\(message)")
      }
      // Memory-mapped loads check no CRC (as torch.load(mmap=True)) and see the flipped value.
      #expect(throws: Never.self) { _ = try TorchFile.load(contentsOf: url, memoryMapped: true) }
    }
  }

  @Test func recordsAreCutIntoPiecesOfAtMostOneMebibyteInOrder() {
    let m = StoredRecordCopier.pieceSize
    let pieces = StoredRecordCopier.pieces([0, 1, m, m + 1, 2 * m])
    #expect(pieces.map(\.record) == [1, 2, 3, 3, 4, 4])
    #expect(pieces.map(\.offset) == [0, 0, 0, m, 0, m])
    #expect(pieces.map(\.count) == [1, m, m, 1, m, m])
  }

  @Test func combinedPieceCRCsEqualTheCRCOfTheWhole() {
    let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ $0 >> 3) }
    let whole = unsafe bytes.withUnsafeBytes { unsafe Zlib.zlibCRC32($0) }
    for cut in [0, 1, 4095, 9_999, 10_000] {
      let a = unsafe bytes[..<cut].withUnsafeBytes { unsafe Zlib.crc32($0) }
      let b = unsafe bytes[cut...].withUnsafeBytes { unsafe Zlib.crc32($0) }
      #expect(Zlib.crc32Combine(a, b, lengthOfB: bytes.count - cut) == whole)
    }
    #expect(Zlib.crc32Combine(0, whole, lengthOfB: bytes.count) == whole)
  }
}
