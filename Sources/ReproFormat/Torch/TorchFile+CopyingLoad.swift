import Foundation

extension TorchFile {
  /// Loads a torch zip file by reading each stored tensor record straight from the file into
  /// the storage that keeps it (``StoredRecordCopier``: every core, CRC-32 in the same pass);
  /// nil when the file is not a torch zip file, for the caller's other readers.
  ///
  /// The zip directory, `data.pkl` and the other small records are parsed from a read-only
  /// mapping of the same open file; the returned tensors own their (writable) bytes and keep
  /// neither the mapping nor the file open.
  ///
  /// - Parameters:
  ///   - url: the file.
  ///   - format: `.torch` (any file starting with `PK`, as ``load(contentsOf:mapLocation:policy:memoryMapped:)``
  ///     reads it), or nil (what ``CheckpointFormat/detect(in:fileName:)`` calls `.torch`).
  ///   - mapLocation: where storages go; nil keeps the file's device tags.
  ///   - policy: weights-only or trusted; see ``LoadPolicy``.
  /// - Throws: `FormatError` as ``load(contentsOf:mapLocation:policy:memoryMapped:)``.
  static func loadZipCopyingRecords(
    _ url: URL, format: CheckpointFormat?, mapLocation: MapLocation?, policy: LoadPolicy
  ) throws(FormatError) -> Checkpoint? {
    let file = try LoadingFile(contentsOf: url)
    let bytes = file.storage
    guard bytes.byteCount > 0 else { return nil }
    switch format {
    case .torch:
      // What `load(contentsOf:)` reads as zip: any file starting with `PK`.
      let head = unsafe bytes.withUnsafeBytes { unsafe Array($0.prefix(2)) }
      guard head == [0x50, 0x4B] else { return nil }
    case nil:
      guard CheckpointFormat.detect(in: bytes, fileName: url.lastPathComponent) == .torch else {
        return nil
      }
    default: return nil
    }
    return try loadZip(
      file: bytes, mapLocation: mapLocation, policy: policy, borrows: false,
      copier: StoredRecordCopier(file: file))
  }
}
