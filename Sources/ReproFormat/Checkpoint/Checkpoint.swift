public import Foundation
public import ReproTensor

/// Any checkpoint file Repro reads, whatever its format: a `torch.save` zip archive, a legacy
/// (pre-1.6) torch file, or a safetensors file, loaded as one value tree.
///
/// ```swift
/// let ckpt = try Checkpoint.load(contentsOf: url, mapLocation: .device(.cpu))
/// ckpt.format                       // .zip
/// ckpt.root["model_state_dict"]     // PickleValue?
/// ```
public struct Checkpoint: Sendable {
  /// The container format of a checkpoint file.
  public enum Format: String, Sendable, CaseIterable {
    /// `torch.save`'s zip archive (the default since PyTorch 1.6).
    case zip
    /// `torch.save(..., _use_new_zipfile_serialization=False)`.
    case legacy
    /// A safetensors file.
    case safetensors
  }

  /// The file's format.
  public var format: Format
  /// The loaded value: the unpickled object, or for safetensors an ordered dict of name → tensor
  /// in data-offset order.
  public var root: PickleValue
  /// Why `torch.load(weights_only=True)` would refuse the file, or nil if it would load it.
  public var weightsOnlyRefusal: String?
  /// safetensors only: the `__metadata__` strings.
  public var metadata: [String: String]
  /// The archive folder name of a zip file (`archive` for `archive.pt`).
  public var archiveName: String?

  /// Whether `torch.load(weights_only=True)` accepts the file (safetensors files always are).
  public var weightsOnlyOK: Bool { weightsOnlyRefusal == nil }

  /// Creates a checkpoint value.
  public init(
    format: Format, root: PickleValue, weightsOnlyRefusal: String? = nil,
    metadata: [String: String] = [:], archiveName: String? = nil
  ) {
    self.format = format
    self.root = root
    self.weightsOnlyRefusal = weightsOnlyRefusal
    self.metadata = metadata
    self.archiveName = archiveName
  }

  /// Tells the format from the first bytes, as torch.load does (`PK\x03\x04` at offset 0 is
  /// a zip archive, anything else goes to the legacy reader), with two additions that give
  /// better errors for damaged files: a `.safetensors` name or an 8-byte length followed by `{`
  /// is safetensors, and any file starting with `PK` is read as a (damaged) zip archive.
  ///
  /// - Parameters:
  ///   - file: the file's bytes.
  ///   - fileName: the file's name, if known.
  public static func detectFormat(of file: Storage, fileName: String? = nil) -> Format {
    unsafe file.withUnsafeBytes { raw in
      if unsafe raw.count >= 2 && raw[0] == 0x50 && raw[1] == 0x4B { return .zip }
      if fileName?.hasSuffix(".safetensors") == true { return .safetensors }
      if unsafe raw.count >= 9 && raw[8] == UInt8(ascii: "{") { return .safetensors }
      return .legacy
    }
  }

  /// Loads a checkpoint file of any supported format.
  ///
  /// - Parameters:
  ///   - url: the file.
  ///   - mapLocation: where storages go (`map_location`); nil keeps the tags written in the file.
  ///   - trust: load classes outside the weights-only allowlist (whole-model files) as opaque
  ///     objects instead of refusing them; nothing is executed either way.
  ///   - memoryMapped: storages borrow the file's pages (zip with stored records only).
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func load(
    contentsOf url: URL, mapLocation: MapLocation? = nil, trust: Bool = false,
    memoryMapped: Bool = false
  ) throws(FormatError) -> Checkpoint {
    // One read into memory (tensors then borrow slices of it, writable) or one mapping
    // (tensors borrow its pages, read-only).
    let file = memoryMapped ? try MappedFile(contentsOf: url).storage : try ZipArchive.readFile(url)
    guard file.byteCount > 0 else {
      throw FormatError(.truncated, "\(url.path): the file is empty (truncated?)")
    }
    return try load(
      file: file, fileName: url.lastPathComponent, mapLocation: mapLocation, trust: trust,
      borrowsStorages: memoryMapped)
  }

  /// Loads a checkpoint held in a storage (a file read into memory, or a mapping).
  ///
  /// - Parameters:
  ///   - file: the whole file.
  ///   - fileName: the file's name, used to recognise damaged safetensors files.
  ///   - mapLocation: where storages go; nil keeps the tags written in the file.
  ///   - trust: read classes outside the weights-only allowlist as opaque objects.
  ///   - borrowsStorages: tensors borrow `file` read-only (for mappings) instead of owning slices.
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func load(
    file: Storage, fileName: String? = nil, mapLocation: MapLocation? = nil, trust: Bool = false,
    borrowsStorages: Bool = false
  ) throws(FormatError) -> Checkpoint {
    if detectFormat(of: file, fileName: fileName) == .safetensors {
      return try fromSafeTensors(SafeTensorsFile.load(from: file), mapLocation: mapLocation)
    }
    return Checkpoint(
      try TorchFile.load(
        file: file, mapLocation: mapLocation, weightsOnly: !trust, borrowsStorages: borrowsStorages)
    )
  }

  init(_ loaded: TorchFile.Loaded) {
    self.init(
      format: loaded.format == .zip ? .zip : .legacy, root: loaded.root,
      weightsOnlyRefusal: loaded.weightsOnlyRefusal, archiveName: loaded.archiveName)
  }

  static func fromSafeTensors(_ file: SafeTensorsFile, mapLocation: MapLocation?)
    throws(FormatError) -> Checkpoint
  {
    // Data-offset order (stable for ties), which is what the file records.
    let ordered = file.tensors.enumerated().sorted {
      let a = $0.element.tensor.storageOffset * $0.element.tensor.dtype.elementSize
      let b = $1.element.tensor.storageOffset * $1.element.tensor.dtype.elementSize
      return a == b ? $0.offset < $1.offset : a < b
    }.map(\.element)
    var pairs: [PicklePair] = []
    for (name, tensor) in ordered {
      var t = tensor
      if let mapLocation { t.device = try mapLocation.resolve(t.device.description) }
      pairs.append(PicklePair(.string(name), .tensor(t)))
    }
    return Checkpoint(format: .safetensors, root: .dict(pairs), metadata: file.metadata)
  }
}
