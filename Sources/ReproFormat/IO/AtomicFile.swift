public import Foundation

/// Replaces a file atomically: readers see either the old file or the complete new one.
///
/// ``write(to:permissions:_:)`` writes into a temporary file in the target's folder (same file
/// system, so `rename` is atomic), `fsync`s it, renames it over the target and `fsync`s the
/// folder so the rename itself survives a crash. If anything fails (the body throws, the disk
/// is full) the temporary file is removed and the previous target is left untouched.
///
/// ```swift
/// try AtomicFile.write(to: url) { out in
///   try out.write(bytes)
/// }
/// ```
public enum AtomicFile {
  /// Writes a file through `body` and moves it into place atomically.
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
    let target = url.path
    let folder = url.deletingLastPathComponent().path
    let temp = folder + "/." + url.lastPathComponent + ".tmp-" + Syscalls.uniqueSuffix()
    let fd = try Syscalls.createExclusive(temp, mode: permissions)
    var isOpen = true
    do {
      var writer = FileWriter(fileDescriptor: fd, path: temp)
      let result = try body(&writer)
      try Syscalls.fsync(fd, path: temp)
      isOpen = false
      try Syscalls.close(fd, path: temp)
      try Syscalls.rename(temp, target)
      try Syscalls.syncDirectory(folder)
      return result
    } catch {
      if isOpen { Syscalls.close(fd) }
      Syscalls.unlink(temp)
      throw error
    }
  }

  /// Writes `bytes` to `url` atomically.
  ///
  /// - Throws: `FormatError` (`.io`) when the file cannot be written; the old file stays intact.
  public static func write(_ bytes: [UInt8], to url: URL, permissions: UInt32 = 0o644) throws {
    try write(to: url, permissions: permissions) { out in try out.write(bytes) }
  }

  /// Whether `name` looks like one of this type's temporary files (`.<name>.tmp-<suffix>`).
  public static func isTemporaryFileName(_ name: String) -> Bool {
    name.hasPrefix(".") && name.contains(".tmp-")
  }
}
