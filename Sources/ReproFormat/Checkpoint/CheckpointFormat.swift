public import ReproTensor

/// The container format of a checkpoint file: the one list of formats Repro reads and writes.
///
/// ``Checkpoint/load(contentsOf:format:mapLocation:policy:memoryMapped:)`` reads every case
/// (detecting it from the file's first bytes when none is given),
/// ``Checkpoint/write(_:to:format:)`` and ``Checkpoint/serialized(format:archiveName:)`` write
/// it. The raw value is the name users type and read (`repro convert --to safetensors`, the
/// matrix's `format` axis).
///
/// ```swift
/// let checkpoint = try Checkpoint.load(contentsOf: url)          // format detected once
/// checkpoint.format                                               // .torch
/// try Checkpoint.write(checkpoint, to: out, format: .safetensors)
/// ```
///
/// Adding a format is one case here plus one reader/writer: write a type conforming to
/// `CheckpointCodec` (internal; `TorchZipCodec`, `TorchLegacyCodec` and `SafeTensorsCodec` are the
/// models), return it from `codec`, give the case its `inventoryName` and `fileExtension`, and,
/// when its first bytes identify it, recognise it in `detect(in:fileName:)`. The compiler points
/// at each of these switches; nothing outside ReproFormat changes.
public enum CheckpointFormat: String, Sendable, Hashable, CaseIterable {
  /// `torch.save`'s zip archive, the default since PyTorch 1.6.
  case torch
  /// The legacy (pre-1.6) torch format, `torch.save(..., _use_new_zipfile_serialization=False)`.
  /// Repro reads it; it does not write it (see ``canWrite``).
  case torchLegacy = "legacy"
  /// A safetensors file (`safetensors.torch.save_file`): a flat name → tensor dict.
  case safetensors

  /// The format's name in `repro inspect` and in the `format` field of the interop corpus's
  /// inventories (`Scripts/inventory.py`): `zip`, `legacy`, `safetensors`.
  public var inventoryName: String {
    switch self {
    case .torch: "zip"
    case .torchLegacy: "legacy"
    case .safetensors: "safetensors"
    }
  }

  /// The usual file extension, without the dot (`pt`, `safetensors`).
  public var fileExtension: String {
    switch self {
    case .torch, .torchLegacy: "pt"
    case .safetensors: "safetensors"
    }
  }

  /// Whether Repro writes this format.
  ///
  /// The legacy format cannot be written byte-identically to PyTorch: `torch.save` names each
  /// storage by its memory address (`str(storage._cdata)`), so Repro reads it only.
  public var canWrite: Bool { self != .torchLegacy }

  /// The format a file should be written in, chosen from its name: safetensors for a
  /// `.safetensors` name, torch's zip format for anything else (`.pt`, `.pth`, `.bin`, ...).
  ///
  /// - Parameter fileName: the file's name or path.
  public init(forWritingTo fileName: String) {
    self = fileName.hasSuffix(".safetensors") ? .safetensors : .torch
  }

  /// Tells the format from a file's first bytes, as `torch.load` does (`PK\x03\x04` at offset 0
  /// is a zip archive, anything else goes to the legacy reader), with two additions that give
  /// better errors for damaged files: a `.safetensors` name or an 8-byte length followed by `{`
  /// is safetensors, and any file starting with `PK` is read as a (damaged) zip archive.
  ///
  /// - Parameters:
  ///   - file: the file's bytes.
  ///   - fileName: the file's name, if known.
  /// - Returns: the format to read the file with; its reader reports a file that is none.
  public static func detect(in file: Storage, fileName: String? = nil) -> CheckpointFormat {
    unsafe file.withUnsafeBytes { raw in
      if unsafe raw.count >= 2 && raw[0] == 0x50 && raw[1] == 0x4B { return .torch }
      if fileName?.hasSuffix(".safetensors") == true { return .safetensors }
      if unsafe raw.count >= 9 && raw[8] == UInt8(ascii: "{") { return .safetensors }
      return .torchLegacy
    }
  }

  /// The reader and writer of this format.
  var codec: any CheckpointCodec.Type {
    switch self {
    case .torch: TorchZipCodec.self
    case .torchLegacy: TorchLegacyCodec.self
    case .safetensors: SafeTensorsCodec.self
    }
  }
}
