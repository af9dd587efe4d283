import Foundation
import Testing

@testable import ReproFormat

/// `FileIdentity`: every spelling of one file (and of one future file) is one identity.
@Suite struct FileIdentityTests {
  /// A folder with `x.pt`, a copy `y.pt`, a symbolic link `link.pt -> x.pt`, a hard link
  /// `hard.pt` of `x.pt` and a subfolder `sub`.
  private func makeFolder() throws -> URL {
    let folder = try ZipFixtures.makeTemporaryFolder()
    let fm = FileManager.default
    try Data([1, 2, 3]).write(to: folder.appendingPathComponent("x.pt"))
    try Data([1, 2, 3]).write(to: folder.appendingPathComponent("y.pt"))
    try fm.createSymbolicLink(atPath: folder.path + "/link.pt", withDestinationPath: "x.pt")
    try fm.linkItem(atPath: folder.path + "/x.pt", toPath: folder.path + "/hard.pt")
    try fm.createDirectory(
      at: folder.appendingPathComponent("sub"), withIntermediateDirectories: false)
    return folder
  }

  @Test func spellingsOfOneFileAreOneIdentity() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let d = folder.path
    let x = d + "/x.pt"
    for other in [
      d + "/./x.pt", d + "/sub/../x.pt", d + "//x.pt", d + "/link.pt", d + "/hard.pt",
      d + "/sub/../link.pt",
    ] {
      #expect(FileIdentity.sameFile(x, other), "\(other)")
      #expect(FileIdentity.sameFile(other, x), "\(other)")
    }
    #expect(!FileIdentity.sameFile(x, d + "/y.pt"))
    #expect(!FileIdentity.sameFile(x, d + "/sub"))
    #expect(!FileIdentity.sameFile(x, d + "/new.pt"))
    #expect(FileIdentity.sameFile(d, d + "/sub/.."))
    #expect(FileIdentity.sameFile(d + "/sub", d + "/sub/"))
  }

  /// A path that does not exist yet is its folder plus its name.
  @Test func futureFilesCompareByFolderAndName() throws {
    let folder = try makeFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let d = folder.path
    #expect(FileIdentity.sameFile(d + "/new.pt", d + "/sub/../new.pt"))
    #expect(FileIdentity.sameFile(d + "/new.pt", d + "/./new.pt"))
    #expect(!FileIdentity.sameFile(d + "/new.pt", d + "/sub/new.pt"))
    #expect(!FileIdentity.sameFile(d + "/new.pt", d + "/new2.pt"))
    #expect(FileIdentity(path: d + "/missing/new.pt") == nil)
    #expect(!FileIdentity.sameFile(d + "/missing/new.pt", d + "/missing/new.pt"))
  }

  /// Relative spellings (`x.pt`, `./x.pt`) resolve against the current folder, as `open` does.
  @Test func relativePathsResolveAgainstTheCurrentFolder() throws {
    let cwd = FileManager.default.currentDirectoryPath
    let name = "repro-identity-\(UUID().uuidString).pt"
    #expect(FileIdentity.sameFile(name, "./" + name))
    #expect(FileIdentity.sameFile(name, cwd + "/" + name))
    #expect(FileIdentity(path: ".") == FileIdentity(path: cwd))
    #expect(
      FileIdentity(path: "./" + name)?.description.hasPrefix("entry '\(name)' of the folder")
        == true)
  }
}
