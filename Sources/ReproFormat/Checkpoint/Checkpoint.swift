public import Foundation
public import ReproTensor

/// Any checkpoint file Repro reads or writes, whatever its format: a `torch.save` zip archive, a
/// legacy (pre-1.6) torch file, or a safetensors file, as one value tree.
///
/// `Checkpoint` is the one entry point for checkpoint I/O: `load` reads every
/// ``CheckpointFormat`` (detected from the file once when not given) under a ``LoadPolicy``, and
/// ``write(_:to:format:)`` / ``serialized(format:archiveName:)`` write them. `TorchFile` and
/// `SafeTensorsFile` are the layer below.
///
/// ```swift
/// let ckpt = try Checkpoint.load(contentsOf: url, mapLocation: .device(.cpu))
/// ckpt.format                                   // .torch
/// ckpt.root["model_state_dict"]                 // PickleValue?
/// try Checkpoint.write(ckpt, to: URL(fileURLWithPath: "copy.pt"), format: .torch)
/// ```
public struct Checkpoint: Sendable {
  /// The format the checkpoint was read from (`.torch` for one made in memory).
  public var format: CheckpointFormat
  /// The loaded value: the unpickled object, or for safetensors an ordered dict of name → tensor
  /// in data-offset order.
  public var root: PickleValue
  /// Why `torch.load(weights_only=True)` would refuse the file, or nil if it would load it.
  public var weightsOnlyRefusal: String?
  /// safetensors only: the `__metadata__` strings (written back by safetensors output).
  public var metadata: [String: String]
  /// The archive folder name of a zip file (`archive` for `archive.pt`).
  public var archiveName: String?

  /// Whether `torch.load(weights_only=True)` accepts the file (safetensors files always are).
  public var weightsOnlyOK: Bool { weightsOnlyRefusal == nil }

  /// Creates a checkpoint value.
  ///
  /// - Parameters:
  ///   - format: the format it was read from (default `.torch`, for a value made in memory).
  ///   - root: the object (tensors as `.tensor` / `.parameter` leaves).
  ///   - weightsOnlyRefusal: why `torch.load(weights_only=True)` would refuse it.
  ///   - metadata: safetensors `__metadata__` strings.
  ///   - archiveName: the zip folder it was read from.
  public init(
    format: CheckpointFormat = .torch, root: PickleValue, weightsOnlyRefusal: String? = nil,
    metadata: [String: String] = [:], archiveName: String? = nil
  ) {
    self.format = format
    self.root = root
    self.weightsOnlyRefusal = weightsOnlyRefusal
    self.metadata = metadata
    self.archiveName = archiveName
  }

  /// Loads a checkpoint file.
  ///
  /// The corresponding PyTorch function is `torch.load` (and `safetensors.torch.load_file`).
  ///
  /// - Parameters:
  ///   - url: the file; for a sharded checkpoint its `*.index.json` or its folder; for a
  ///     `torch.distributed.checkpoint` its folder.
  ///   - format: the file's format; nil (default) detects it from the first bytes, once
  ///     (``CheckpointFormat/detect(in:fileName:)``).
  ///   - mapLocation: where storages go (`map_location`); nil keeps the tags written in the file.
  ///   - policy: refuse what `torch.load(weights_only=True)` refuses (default), or read
  ///     whole-model files' classes as opaque objects (`.trusted`); nothing is executed either way.
  ///   - memoryMapped: storages borrow the file's pages instead of a copy (`torch.load(mmap=True)`;
  ///     torch zip files with stored records, and safetensors).
  /// - Returns: the loaded tree, with what `torch.load(weights_only=True)` would say.
  /// - Throws: `FormatError` saying what is wrong and where; `.forbiddenGlobal` (with
  ///   ``FormatError/forbiddenGlobal``) when the policy refuses a global.
  public static func load(
    contentsOf url: URL, format: CheckpointFormat? = nil, mapLocation: MapLocation? = nil,
    policy: LoadPolicy = .weightsOnly, memoryMapped: Bool = false
  ) throws(FormatError) -> Checkpoint {
    let folderFormat: CheckpointFormat?
    if let format {
      folderFormat = format.isFolder ? format : nil
    } else {
      folderFormat = try CheckpointFormat.detectFolder(at: url)
    }
    if let folderFormat {
      return try folderFormat.codec.read(
        contentsOf: url, mapLocation: mapLocation, policy: policy, memoryMapped: memoryMapped)
    }
    // torch zip files: each stored record read straight into its own storage (writable).
    if !memoryMapped,
      let loaded = try TorchFile.loadZipCopyingRecords(
        url, format: format, mapLocation: mapLocation, policy: policy)
    {
      return loaded
    }
    // One read into memory (tensors then borrow slices of it, writable) or one mapping
    // (tensors borrow its pages, read-only).
    // The structure is checked on a mapping before the file is read (nothing is read or
    // allocated for a file that cannot be a checkpoint).
    if !memoryMapped { try CheckpointFormat.checkStructure(ofFileAt: url, format: format) }
    let file = memoryMapped ? try MappedFile(contentsOf: url).storage : try ZipArchive.readFile(url)
    guard file.byteCount > 0 else {
      throw FormatError(.truncated, "\(url.path): the file is empty (truncated?)")
    }
    return try load(
      file: file, fileName: url.lastPathComponent, format: format, mapLocation: mapLocation,
      policy: policy, borrowsStorages: memoryMapped)
  }

  /// Loads a checkpoint held in memory (a file read into a storage, or a mapping).
  ///
  /// - Parameters:
  ///   - file: the whole file.
  ///   - fileName: the file's name, used to recognise damaged safetensors files.
  ///   - format: the file's format; nil (default) detects it from the first bytes, once.
  ///   - mapLocation: where storages go; nil keeps the tags written in the file.
  ///   - policy: weights-only (default) or trusted; see ``LoadPolicy``.
  ///   - borrowsStorages: tensors borrow `file` read-only (for mappings) instead of owning slices.
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func load(
    file: Storage, fileName: String? = nil, format: CheckpointFormat? = nil,
    mapLocation: MapLocation? = nil, policy: LoadPolicy = .weightsOnly,
    borrowsStorages: Bool = false
  ) throws(FormatError) -> Checkpoint {
    let format = format ?? CheckpointFormat.detect(in: file, fileName: fileName)
    return try format.codec.read(
      file, mapLocation: mapLocation, policy: policy, borrowsStorages: borrowsStorages)
  }

  /// Writes `checkpoint` to `url` in `format`, atomically.
  ///
  /// The file is streamed into a temporary file in the same folder, fsync'd and renamed over
  /// `url` (``AtomicFile``), so a failure leaves any previous file intact. Storages are written
  /// straight from their bytes.
  ///
  /// The bytes are those of ``serialized(format:archiveName:)`` with the archive folder
  /// `torch.save(obj, path)` takes from the path: identical to `torch.save` (zip) and
  /// `safetensors.torch.save_file` (with the checkpoint's ``metadata``).
  ///
  /// - Parameters:
  ///   - checkpoint: what to write; safetensors needs a flat name → tensor dict.
  ///   - url: a file URL.
  ///   - format: the format to write (``CheckpointFormat/init(forWritingTo:)`` picks one from a
  ///     file name).
  /// - Throws: `FormatError`: `.invalidArgument` / `.unsupported` for values the format cannot
  ///   hold (a non-flat dict as safetensors, the legacy format), `.io` when writing fails.
  public static func write(
    _ checkpoint: Checkpoint, to url: URL, format: CheckpointFormat
  ) throws(FormatError) {
    try format.codec.write(checkpoint, to: url)
  }

  /// The bytes of the file in `format`: what `torch.save(obj, f)` writes for a zip archive whose
  /// folder is `archiveName`, or what `safetensors.torch.save` returns.
  ///
  /// - Parameters:
  ///   - format: the format to write.
  ///   - archiveName: the zip folder of torch files (`TorchFile.archiveName(forPath:)` gives the
  ///     one `torch.save` takes from a path; `archive`, the default, is what it writes to a
  ///     stream); ignored by safetensors.
  /// - Throws: `FormatError` for values the format cannot hold.
  public func serialized(
    format: CheckpointFormat, archiveName: String = "archive"
  ) throws(FormatError) -> [UInt8] {
    try format.codec.serialized(self, archiveName: archiveName)
  }
}
