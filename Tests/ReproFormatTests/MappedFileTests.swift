import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

@Suite struct MappedFileTests {
  @Test func mapsTheWholeFileReadOnlyWithoutCopying() throws {
    let url = ZipFixtures.url("mlp_state_dict.pt")
    let file = try MappedFile(contentsOf: url)
    let storage = file.storage
    let original = try ZipFixtures.bytes("mlp_state_dict.pt")
    #expect(file.byteCount == original.count)
    #expect(storage.isBorrowed && storage.isReadOnly)
    #expect(storage.bytes == original)
  }

  /// The mapping stays alive while any storage borrows it, and is released afterwards.
  @Test func mappingLivesAsLongAsItsStorages() throws {
    weak var weakFile: MappedFile?
    var record: Storage?
    do {
      let file = try MappedFile(contentsOf: ZipFixtures.url("mlp_state_dict.pt"))
      weakFile = file
      let zip = try ZipArchive(bytes: file.storage)
      record = try zip.storage(for: #require(zip.entry(record: "data/0")))
    }
    #expect(weakFile != nil, "a record storage keeps the mapping alive")
    #expect(record?.byteCount == 35 * 4)  // Linear(5, 7).weight, float32
    let expected = try archive(try ZipFixtures.bytes("mlp_state_dict.pt"))
    #expect(record?.bytes == (try expected.data(for: #require(expected.entry(record: "data/0")))))
    record = nil
    #expect(weakFile == nil, "munmap once the last storage is gone")
  }

  @Test func openMemoryMappedBorrowsStoredRecords() throws {
    let zip = try ZipArchive.open(
      contentsOf: ZipFixtures.url("forty_tensors.pt"), memoryMapped: true)
    for e in zip.entries {
      let s = try zip.storage(for: e, verifyingCRC: true)
      #expect(s.isBorrowed)
      zip.backing.withUnsafeBytes { base in
        s.withUnsafeBytes { region in
          if e.uncompressedSize > 0 {
            #expect(region.baseAddress == base.baseAddress! + e.dataOffset, "zero-copy")
          }
        }
      }
    }
  }

  @Test func emptyFileMapsToEmptyStorage() throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("empty.pt")
    _ = FileManager.default.createFile(atPath: url.path, contents: Data())
    let file = try MappedFile(contentsOf: url)
    #expect(file.byteCount == 0)
    #expect(file.storage.byteCount == 0)
    #expect(throws: FormatError.self) { try ZipArchive.open(contentsOf: url, memoryMapped: true) }
  }

  @Test func missingFileAndFolderAreIOErrors() throws {
    #expect {
      _ = try MappedFile(contentsOf: URL(fileURLWithPath: "/nonexistent/file.pt"))
    } throws: { ($0 as? FormatError)?.code == .io }
    do {
      _ = try MappedFile(contentsOf: ZipFixtures.folder)
      Issue.record("mapped a folder")
    } catch {
      #expect(error.code == .io)
      #expect(error.message.hasSuffix("not a regular file"))
    }
  }
}
