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
  ///   - hashingRecords: whether to compute the SHA-256 of every stored record in the pass that
  ///     checks its CRC-32 (for an inventory: a tensor that is a whole record then hashes for
  ///     free, ``ReproTensor/Tensor/sha256Hex()``); default false.
  /// - Returns: the loaded tree; its tensors are read-only.
  /// - Throws: `FormatError` saying what is wrong and where (`.badCRC` for a damaged record).
  public static func loadForReading(
    contentsOf url: URL, mapLocation: MapLocation? = nil, policy: LoadPolicy = .weightsOnly,
    hashingRecords: Bool = false
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
      file: file, fileName: url.lastPathComponent, mapLocation: mapLocation, policy: policy,
      hashingRecords: hashingRecords)
  }

  /// Loads a checkpoint held in a storage (a mapping) to read it.
  ///
  /// The stored records of a torch zip (as torch.save writes them) or of a TorchScript archive
  /// (torch.jit.save) are CRC-checked on every core and borrowed without a copy; deflated records
  /// are checked by inflating them as a stream and stay deferred
  /// (``ZipArchive/streamingStorage(for:)``), so that readers going through them in chunks never
  /// hold one whole. safetensors tensors borrow a mapped file's bytes; legacy storages are read
  /// from it on demand. Other formats load as
  /// ``load(file:fileName:format:mapLocation:policy:borrowsStorages:)`` loads them.
  ///
  /// Readers of the tensors that go through ``ReproTensor/TensorByteReader`` (hashes,
  /// comparisons) release the mapped pages behind them: reading a checkpoint of any size this way
  /// holds a few chunks of it. With `hashingRecords`, the stored records are hashed in the pass
  /// that checks them, as ``loadForReading(contentsOf:mapLocation:policy:hashingRecords:)``
  /// describes.
  ///
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func loadForReading(
    file: Storage, fileName: String? = nil, mapLocation: MapLocation? = nil,
    policy: LoadPolicy = .weightsOnly, hashingRecords: Bool = false
  ) throws(FormatError) -> Checkpoint {
    let format = CheckpointFormat.detect(in: file, fileName: fileName)
    if format == .torch || format == .torchscript, case let zip = try ZipArchive(bytes: file) {
      // The stored records' checks first, concurrently (hashing them in the same pass when
      // asked); then a load that borrows them without re-checking, and checks and defers the
      // deflated ones.
      var digests: [String: String] = [:]
      if hashingRecords {
        digests = try zip.verifyStoredCRCsHashing()
      } else {
        try zip.verifyStoredCRCs()
      }
      let loaded: Result<Checkpoint, FormatError> = TorchRecordReader.$defersDeflatedRecords
        .withValue(true) {
          TorchRecordReader.$knownRecordDigests.withValue(digests) {
            do throws(FormatError) {
              return .success(
                try load(
                  file: file, fileName: fileName, format: format, mapLocation: mapLocation,
                  policy: policy, borrowsStorages: true))
            } catch {
              return .failure(error)
            }
          }
        }
      return try loaded.get()
    }
    // safetensors tensors borrow the mapping as with `--mmap` (the format has no checksum);
    // legacy storages stay in the mapping and are read on demand (they need no alignment, and
    // torch's `mmap=True` refuses legacy files, as their reader does when asked to borrow).
    // Other formats are copied.
    let loaded: Result<Checkpoint, FormatError> = TorchFile.$readsLegacyStoragesInPlace
      .withValue(format == .torchLegacy) {
        do throws(FormatError) {
          return .success(
            try load(
              file: file, fileName: fileName, format: format, mapLocation: mapLocation,
              policy: policy, borrowsStorages: format == .safetensors && file.isReadOnly))
        } catch {
          return .failure(error)
        }
      }
    return try loaded.get()
  }
}
