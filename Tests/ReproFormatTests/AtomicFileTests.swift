import Foundation
import Testing

@testable import ReproFormat

@Suite struct AtomicFileTests {
  struct Interrupted: Error {}

  private func listing(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  @Test func createsAndReplacesWithoutLeavingTemporaries() throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("model.pt")
    try AtomicFile.write(Array("first".utf8), to: url)
    #expect(try String(contentsOf: url, encoding: .utf8) == "first")
    let written = try AtomicFile.write(to: url) { out in
      try out.write(Array("second, longer".utf8))
      return out.bytesWritten
    }
    #expect(written == 14)
    #expect(try String(contentsOf: url, encoding: .utf8) == "second, longer")
    #expect(listing(folder) == ["model.pt"])
  }

  /// A writer that fails half-way leaves the previous file untouched and no temporary file.
  @Test func failureMidWriteKeepsTheOldFile() throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("model.pt")
    let old = Array(repeating: UInt8(7), count: 10_000)
    try AtomicFile.write(old, to: url)
    let new = Array(repeating: UInt8(9), count: 10_000)
    var sawTemporary = false
    #expect(throws: Interrupted.self) {
      try AtomicFile.write(to: url) { out in
        try out.write(Array(new[..<5000]))
        sawTemporary = self.listing(folder).contains { AtomicFile.isTemporaryFileName($0) }
        throw Interrupted()
      }
    }
    #expect(sawTemporary, "the data went to a temporary file, not the target")
    #expect([UInt8](try Data(contentsOf: url)) == old)
    #expect(listing(folder) == ["model.pt"])
  }

  @Test func missingFolderIsAnIOError() {
    let url = URL(fileURLWithPath: "/nonexistent-folder-\(UUID().uuidString)/model.pt")
    #expect { try AtomicFile.write([1, 2, 3], to: url) } throws: {
      ($0 as? FormatError)?.code == .io
    }
  }

  @Test func writingToAClosedDescriptorFailsAndCleansUp() throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("x.pt")
    #expect {
      try AtomicFile.write(to: url) { out in
        var bad = FileWriter(fileDescriptor: -1, path: "bad")
        try bad.write([1])
        _ = out
      }
    } throws: { ($0 as? FormatError)?.message.hasPrefix("cannot write bad:") == true }
    #expect(listing(folder).isEmpty)
  }
}
