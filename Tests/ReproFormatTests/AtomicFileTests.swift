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

  /// A writer that fails half-way leaves the previous file untouched and no temporary file,
  /// whether the temporary file is named from the start or unnamed (`O_TMPFILE`) until the end.
  @Test(arguments: [AtomicFile.Temporary.named, .unnamedWherePossible])
  func failureMidWriteKeepsTheOldFile(temporary: AtomicFile.Temporary) throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("model.pt")
    let old = Array(repeating: UInt8(7), count: 10_000)
    try AtomicFile.write(old, to: url)
    let new = Array(repeating: UInt8(9), count: 10_000)
    var during: [String] = []
    var targetDuring: [UInt8] = []
    #expect(throws: Interrupted.self) {
      try AtomicFile.write(to: url, permissions: 0o644, temporary: temporary) { out in
        try out.write(Array(new[..<5000]))
        during = self.listing(folder)
        targetDuring = [UInt8](try Data(contentsOf: url))
        throw Interrupted()
      }
    }
    #expect(targetDuring == old, "the data went to a temporary file, not the target")
    let expectedDuring =
      temporary == .named || !Self.supportsUnnamedFiles(folder) ? 2 : 1
    #expect(during.count == expectedDuring, "\(during)")
    #expect(during.filter { AtomicFile.isTemporaryFileName($0) }.count == expectedDuring - 1)
    #expect([UInt8](try Data(contentsOf: url)) == old)
    #expect(listing(folder) == ["model.pt"])
  }

  /// Whether this folder's file system gives unnamed files (Linux `O_TMPFILE`).
  static func supportsUnnamedFiles(_ folder: URL) -> Bool {
    guard let fd = Syscalls.openUnnamed(inFolder: folder.path, mode: 0o600) else { return false }
    Syscalls.close(fd)
    return true
  }

  /// The id of a process that has ended (a `true` run to completion).
  private func endedProcessID() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "exit 0"]
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
  }

  /// Temporary files left by writers that were killed (their process is gone) are removed by
  /// the next save into the folder, whatever target they were for; those of a running writer,
  /// of another host, and other hidden files stay.
  @Test(arguments: [AtomicFile.Temporary.named, .unnamedWherePossible])
  func theNextSaveRemovesTemporaryFilesOfEndedWriters(temporary: AtomicFile.Temporary) throws {
    let folder = try ZipFixtures.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let dead = try endedProcessID()
    let live = ProcessInfo.processInfo.processIdentifier
    let tag = TemporaryFileName.hostTag
    let otherHost = tag == "00000000" ? "00000001" : "00000000"
    let stale = [
      ".model.pt.tmp-\(dead)-\(tag)-1a2b", ".other.safetensors.tmp-\(dead)-\(tag)-zz",
      AtomicFile.temporaryFileName(for: "model.pt", writer: dead),
    ]
    let kept = [
      ".model.pt.tmp-\(live)-\(tag)-1a2b", ".model.pt.tmp-\(dead)-\(otherHost)-1a2b",
      ".model.pt.tmp-notes", ".metadata", "model.pt.tmp-\(dead)-\(tag)-1a2b",
    ]
    for name in stale + kept {
      try Data([1, 2, 3]).write(to: folder.appendingPathComponent(name))
    }
    try AtomicFile.write(
      to: folder.appendingPathComponent("model.pt"), permissions: 0o644, temporary: temporary
    ) { out in try out.write([4]) }
    #expect(listing(folder) == (kept + ["model.pt"]).sorted())
  }

  @Test func temporaryFileNamesAreRecognizedExactly() {
    let name = AtomicFile.temporaryFileName(for: "a.tmp-1-b.pt", writer: 4_194_304)
    #expect(name.hasPrefix(".a.tmp-1-b.pt.tmp-4194304-\(TemporaryFileName.hostTag)-"))
    #expect(AtomicFile.isTemporaryFileName(name))
    #expect(TemporaryFileName(Array(name.utf8))?.pid == 4_194_304)
    for bad in [
      "model.pt.tmp-12-0123abcd-x", ".model.pt.tmp-12-0123abcd", ".model.pt.tmp-12-0123ABCD-x",
      ".model.pt.tmp-x-0123abcd-x", ".model.pt.tmp-12-0123abcd-x-y", "..tmp-12-0123abcd-x",
      ".model.pt.tmp-0-0123abcd-x", ".model.pt.tmp-99999999999-0123abcd-x",
    ] {
      #expect(!AtomicFile.isTemporaryFileName(bad), "\(bad)")
    }
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
