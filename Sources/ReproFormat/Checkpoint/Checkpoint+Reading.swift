public import Foundation
public import ReproTensor

extension Checkpoint {
  /// Loads a checkpoint file to read it (compare, diff, inspect): the file is memory-mapped,
  /// never copied, and tensors borrow its pages read-only; every stored record's CRC-32 is still
  /// checked, on every core (``ZipArchive/verifyStoredCRCs()``).
  ///
  /// Folders (sharded checkpoints, `torch.distributed.checkpoint`) are loaded as
  /// ``load(contentsOf:format:mapLocation:policy:memoryMapped:)`` loads them, mapped.
  ///
  /// - Parameters:
  ///   - url: the file or folder.
  ///   - mapLocation: where storages go (`map_location`); nil keeps the file's device tags.
  ///   - policy: weights-only (default) or trusted; see ``LoadPolicy``.
  /// - Returns: the loaded tree; its tensors are read-only.
  /// - Throws: `FormatError` saying what is wrong and where (`.badCRC` for a damaged record).
  public static func loadForReading(
    contentsOf url: URL, mapLocation: MapLocation? = nil, policy: LoadPolicy = .weightsOnly
  ) throws(FormatError) -> Checkpoint {
    if try CheckpointFormat.detectFolder(at: url) != nil {
      return try load(
        contentsOf: url, mapLocation: mapLocation, policy: policy, memoryMapped: true)
    }
    let file = try MappedFile(contentsOf: url).storage
    guard file.byteCount > 0 else {
      throw FormatError(.truncated, "\(url.path): the file is empty (truncated?)")
    }
    return try loadForReading(
      file: file, fileName: url.lastPathComponent, mapLocation: mapLocation, policy: policy)
  }

  /// Loads a checkpoint held in a storage (a mapping) to read it: the records of a torch zip
  /// (all stored, as torch.save writes them) are CRC-checked on every core and borrowed without
  /// a copy; other files (deflated records, other formats) load as
  /// ``load(file:fileName:format:mapLocation:policy:borrowsStorages:)`` loads them.
  ///
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func loadForReading(
    file: Storage, fileName: String? = nil, mapLocation: MapLocation? = nil,
    policy: LoadPolicy = .weightsOnly
  ) throws(FormatError) -> Checkpoint {
    let format = CheckpointFormat.detect(in: file, fileName: fileName)
    if format == .torch, case let zip = try ZipArchive(bytes: file),
      zip.entries.allSatisfy(\.isStored)
    {
      // The records' checks first, concurrently; then a load that borrows without re-checking.
      try zip.verifyStoredCRCs()
      return try load(
        file: file, fileName: fileName, format: format, mapLocation: mapLocation,
        policy: policy, borrowsStorages: true)
    }
    return try load(
      file: file, fileName: fileName, format: format, mapLocation: mapLocation, policy: policy,
      borrowsStorages: false)
  }
}
