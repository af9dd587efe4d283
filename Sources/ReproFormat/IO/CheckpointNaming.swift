public import Foundation

/// Finds and rotates checkpoint files named like ``CheckpointName`` in a folder.
///
/// ```swift
/// let url = folder.appending(path: CheckpointName(prefix: "model", version: 4, timestamp: .now).fileName)
/// try AtomicFile.write(bytes, to: url)
/// let removed = try CheckpointNaming.rotate(in: folder, prefix: "model", keepLast: 3)
/// ```
///
/// Only files whose names parse as a ``CheckpointName`` with the requested prefix (and
/// extension, when given) are considered; every other file, folder or link is left alone.
public enum CheckpointNaming {
  /// The checkpoints in `folder` with `prefix` (and `fileExtension` if given), oldest first
  /// (by version, then timestamp).
  ///
  /// - Throws: `FormatError` (`.io`) when the folder cannot be listed.
  public static func checkpoints(
    in folder: URL, prefix: String, fileExtension: String? = nil
  ) throws(FormatError) -> [(name: CheckpointName, url: URL)] {
    let listing: [String]
    do {
      listing = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    } catch {
      throw FormatError(.io, "cannot list checkpoint folder \(folder.path): \(error)")
    }
    var found: [(name: CheckpointName, url: URL)] = []
    for file in listing {
      guard let name = CheckpointName(fileName: file), name.prefix == prefix,
        fileExtension == nil || name.fileExtension == fileExtension
      else { continue }
      let url = folder.appendingPathComponent(file)
      var isFolder: ObjCBool = false
      guard unsafe FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder),
        !isFolder.boolValue
      else { continue }
      found.append((name, url))
    }
    return found.sorted { $0.name < $1.name }
  }

  /// The newest checkpoint (highest version, then latest timestamp), if any.
  ///
  /// - Throws: `FormatError` (`.io`) when the folder cannot be listed.
  public static func latest(in folder: URL, prefix: String, fileExtension: String? = nil)
    throws(FormatError) -> (name: CheckpointName, url: URL)?
  {
    try checkpoints(in: folder, prefix: prefix, fileExtension: fileExtension).last
  }

  /// Deletes all but the newest `keepLast` checkpoints with `prefix` (and `fileExtension`).
  ///
  /// - Parameters:
  ///   - folder: the folder to clean.
  ///   - prefix: the checkpoint prefix (`model` for `model_v3_…pth`).
  ///   - fileExtension: restricts rotation to one extension; nil means any.
  ///   - keepLast: how many to keep (0 deletes every matching checkpoint).
  /// - Returns: the deleted files, oldest first.
  /// - Throws: `FormatError`: `.invalidArgument` for a negative `keepLast`, `.io` when
  ///   listing or deleting fails (files deleted before the failure stay deleted).
  @discardableResult
  public static func rotate(
    in folder: URL, prefix: String, fileExtension: String? = nil, keepLast: Int
  ) throws(FormatError) -> [URL] {
    guard keepLast >= 0 else {
      throw FormatError(.invalidArgument, "keepLast must be >= 0, got \(keepLast)")
    }
    let all = try checkpoints(in: folder, prefix: prefix, fileExtension: fileExtension)
    let doomed = all.dropLast(keepLast).map(\.url)
    for url in doomed {
      do {
        try FileManager.default.removeItem(at: url)
      } catch {
        throw FormatError(.io, "cannot delete old checkpoint \(url.path): \(error)")
      }
    }
    return Array(doomed)
  }
}
