public import Foundation

/// Replaces a file atomically: readers see either the old file or the complete new one, and a
/// writer killed half-way leaves nothing behind for long.
///
/// ``write(to:permissions:_:)`` writes into a temporary file in the target's folder (same file
/// system, so `rename` is atomic), `fsync`s it, renames it over the target and `fsync`s the
/// folder so the rename itself survives a crash. If anything fails (the body throws, the disk
/// is full) the temporary file is removed and the previous target is left untouched.
///
/// On Linux the temporary file is unnamed while it is written (`O_TMPFILE`): a writer killed
/// with `SIGKILL` during the write leaves nothing, as the kernel frees the file with the process.
/// It gets its name (`linkat`) only after the last byte and the `fsync`, just before the rename.
/// Where `O_TMPFILE` is not available (other systems, NFS, no `/proc`) the file is named from
/// the start. A name carries the writer's pid and host (``temporaryFileName(for:writer:)``), and
/// every save removes the temporary files of its folder whose writer, on this host, no longer
/// runs: after any number of kills, one later save into the folder leaves no temporary file.
///
/// ```swift
/// try AtomicFile.write(to: url) { out in
///   try out.write(bytes)
/// }
/// ```
public enum AtomicFile {
  /// How the temporary file is made (tests exercise both).
  enum Temporary {
    /// Unnamed (`O_TMPFILE`) where the system allows, named otherwise.
    case unnamedWherePossible
    /// Named from the start.
    case named
  }

  /// Writes a file through `body` and moves it into place atomically.
  ///
  /// Stale temporary files of the target's folder (their writer process is gone) are removed
  /// first.
  ///
  /// - Parameters:
  ///   - url: the file to create or replace.
  ///   - permissions: mode bits for the new file, filtered by the process umask (default
  ///     `0o644`); the replaced file's mode is not carried over.
  ///   - body: writes the content; it may throw to abandon the write.
  /// - Returns: what `body` returns.
  /// - Throws: the error thrown by `body`, or `FormatError` (`.io`) when creating, writing,
  ///   syncing or renaming fails. In both cases no temporary file remains.
  @discardableResult
  public static func write<R>(
    to url: URL, permissions: UInt32 = 0o644, _ body: (inout FileWriter) throws -> R
  ) throws -> R {
    try write(to: url, permissions: permissions, temporary: .unnamedWherePossible, body)
  }

  static func write<R>(
    to url: URL, permissions: UInt32, temporary: Temporary, _ body: (inout FileWriter) throws -> R
  ) throws -> R {
    let target = url.path
    let folder = url.deletingLastPathComponent().path
    removeStaleTemporaryFiles(inFolder: folder)
    let temp =
      folder + "/" + temporaryFileName(for: url.lastPathComponent, writer: Syscalls.processID())
    let unnamed =
      temporary == .unnamedWherePossible
      ? Syscalls.openUnnamed(inFolder: folder, mode: permissions) : nil
    let fd = try unnamed ?? Syscalls.createExclusive(temp, mode: permissions)
    var isOpen = true
    var isNamed = unnamed == nil
    do {
      var writer = FileWriter(fileDescriptor: fd, path: isNamed ? temp : target)
      let result = try body(&writer)
      try Syscalls.fsync(fd, path: writer.path)
      if !isNamed {
        try Syscalls.link(openFile: fd, to: temp)
        isNamed = true
      }
      isOpen = false
      try Syscalls.close(fd, path: temp)
      try Syscalls.rename(temp, target)
      try Syscalls.syncDirectory(folder)
      return result
    } catch {
      if isOpen { Syscalls.close(fd) }
      if isNamed { Syscalls.unlink(temp) }
      throw error
    }
  }

  /// Writes `bytes` to `url` atomically.
  ///
  /// - Throws: `FormatError` (`.io`) when the file cannot be written; the old file stays intact.
  public static func write(_ bytes: [UInt8], to url: URL, permissions: UInt32 = 0o644) throws {
    try write(to: url, permissions: permissions) { out in try out.write(bytes) }
  }

  /// Whether `name` looks like one of this type's temporary files:
  /// `.<name>.tmp-<pid>-<host>-<random>` (see ``temporaryFileName(for:writer:)``).
  public static func isTemporaryFileName(_ name: String) -> Bool {
    TemporaryFileName(Array(name.utf8)) != nil
  }

  /// The name of a temporary file for target `name` written by process `pid` on this host:
  /// `.<name>.tmp-<pid>-<host>-<random>`, where `<host>` is 8 hex digits of a hash of the host
  /// name (pids of other hosts sharing the folder are never judged) and `<random>` is base 36.
  public static func temporaryFileName(for name: String, writer pid: Int32) -> String {
    let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    return ".\(name).tmp-\(pid)-\(TemporaryFileName.hostTag)-\(random)"
  }

  /// Removes the temporary files in `folder` whose writer was a process of this host that no
  /// longer runs (a writer killed before its rename); returns their names.
  ///
  /// Best effort: an unreadable folder or a file that cannot be removed is skipped silently
  /// (the save that follows reports real problems).
  @discardableResult
  public static func removeStaleTemporaryFiles(inFolder folder: String) -> [String] {
    var removed: [String] = []
    for name in Syscalls.directoryEntries(folder) ?? [] {
      guard let parsed = TemporaryFileName(name), parsed.hostTag == TemporaryFileName.hostTag,
        Syscalls.isProcessGone(parsed.pid)
      else { continue }
      if Syscalls.unlink(name, inFolder: folder) {
        removed.append(String(decoding: name, as: UTF8.self))
      }
    }
    return removed
  }
}
