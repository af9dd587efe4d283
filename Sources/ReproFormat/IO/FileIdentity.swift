/// Which file a path names, by identity rather than spelling: `x.pt`, `./x.pt`, `../d/x.pt`, a
/// symbolic link to it and a hard link of it all have one identity.
///
/// An existing path is identified by the device and inode of what it names (`stat`, which
/// follows symbolic links). A path that does not exist yet is identified by its folder's device
/// and inode plus its last component, so two spellings of one future file compare equal too.
///
/// ```swift
/// if FileIdentity(path: input) == FileIdentity(path: output) { /* refuse */ }
/// ```
public struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
  private enum Kind: Hashable {
    case existing(device: UInt64, inode: UInt64)
    case missing(folderDevice: UInt64, folderInode: UInt64, name: String)
  }

  private let kind: Kind

  /// The identity of `path`; nil when neither it nor its folder exists (or can be reached).
  public init?(path: String) {
    if let id = Syscalls.identity(path) {
      kind = .existing(device: id.device, inode: id.inode)
      return
    }
    var trimmed = Substring(path)
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    let folder: Substring
    let name: Substring
    if let slash = trimmed.lastIndex(of: "/") {
      folder = slash == trimmed.startIndex ? "/" : trimmed[..<slash]
      name = trimmed[trimmed.index(after: slash)...]
    } else {
      folder = "."
      name = trimmed
    }
    guard !name.isEmpty, let id = Syscalls.identity(String(folder)) else { return nil }
    kind = .missing(folderDevice: id.device, folderInode: id.inode, name: String(name))
  }

  /// Whether `a` and `b` name one file (or one future file); false when either cannot be
  /// identified.
  public static func sameFile(_ a: String, _ b: String) -> Bool {
    guard let x = FileIdentity(path: a) else { return false }
    return x == FileIdentity(path: b)
  }

  /// `device D, inode I`, or `entry NAME of the folder at device D, inode I` for a path that
  /// does not exist yet.
  public var description: String {
    switch kind {
    case .existing(let device, let inode): "device \(device), inode \(inode)"
    case .missing(let device, let inode, let name):
      "entry '\(name)' of the folder at device \(device), inode \(inode)"
    }
  }
}
