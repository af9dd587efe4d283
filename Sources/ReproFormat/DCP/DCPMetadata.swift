public import ReproTensor

/// The `.metadata` file of a `torch.distributed.checkpoint` folder: a pickled
/// `torch.distributed.checkpoint.metadata.Metadata` dataclass, read by a dedicated reader that
/// accepts exactly DCP's own classes (nothing is executed).
///
/// The corresponding Python classes are `Metadata`, `TensorStorageMetadata`,
/// `TensorProperties`, `ChunkStorageMetadata`, `BytesStorageMetadata`, `MetadataIndex` and
/// `torch.distributed.checkpoint.filesystem._StorageInfo`.
public struct DCPMetadata: Sendable {
  /// One saved piece of a tensor: where it starts and how large it is, per dimension.
  public struct Chunk: Sendable, Equatable {
    /// `ChunkStorageMetadata.offsets`.
    public var offsets: [Int]
    /// `ChunkStorageMetadata.sizes`.
    public var sizes: [Int]
  }

  /// What `state_dict_metadata` says about one key.
  public enum Item: Sendable {
    /// `TensorStorageMetadata`: the full tensor's dtype and size, and its saved chunks.
    case tensor(dtype: DType, size: [Int], chunks: [Chunk])
    /// `BytesStorageMetadata`: a non-tensor value, pickled with `torch.save`.
    case bytes
  }

  /// Where a piece is stored: `_StorageInfo(relative_path, offset, length)`.
  public struct Location: Sendable, Equatable {
    /// The file in the checkpoint folder (`__0_0.distcp`).
    public var relativePath: String
    /// The byte offset in that file.
    public var offset: Int
    /// The byte length.
    public var length: Int
  }

  /// One part of a `planner_data` path: a dict key or a list index.
  public enum PathPart: Sendable, Equatable {
    /// A dict key.
    case key(String)
    /// A list index.
    case index(Int)
  }

  /// `state_dict_metadata`, in order (flattened keys: `model.fc.weight`).
  public var items: [(fqn: String, item: Item)]
  /// `storage_data`: `MetadataIndex(fqn, offset)` → location (`offset` nil for bytes).
  public var storage: [StorageKey: Location]
  /// `planner_data`: flattened key → path in the original nested state dict.
  public var plannerData: [String: [PathPart]]

  /// The key of `storage_data`: `MetadataIndex`'s `fqn` and `offset` (`index` is a hint).
  public struct StorageKey: Hashable, Sendable {
    /// The flattened key.
    public var fqn: String
    /// The chunk's offsets, nil for bytes.
    public var offsets: [Int]?
  }

  /// The classes a `.metadata` pickle may name besides the weights-only allowlist.
  static let allowedClasses: Set<String> = [
    "torch.distributed.checkpoint.metadata.Metadata",
    "torch.distributed.checkpoint.metadata.TensorStorageMetadata",
    "torch.distributed.checkpoint.metadata.BytesStorageMetadata",
    "torch.distributed.checkpoint.metadata.ChunkStorageMetadata",
    "torch.distributed.checkpoint.metadata.TensorProperties",
    "torch.distributed.checkpoint.metadata.MetadataIndex",
    "torch.distributed.checkpoint.metadata.StorageMeta",
    "torch.distributed.checkpoint.metadata._MEM_FORMAT_ENCODING",
    "torch.distributed.checkpoint.filesystem._StorageInfo",
    "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath",
  ]

  static let module = "torch.distributed.checkpoint.metadata"

  /// Parses a `.metadata` file.
  ///
  /// - Parameters:
  ///   - bytes: the file.
  ///   - context: the file's name for error messages.
  /// - Throws: `FormatError`: `.forbiddenGlobal` for a class outside DCP's and the weights-only
  ///   allowlist, `.corrupt` naming the key whose description is malformed, or what the
  ///   unpickler throws.
  public static func parse(_ bytes: [UInt8], context: String) throws(FormatError) -> DCPMetadata {
    let raw = try Unpickler.unpickle(bytes, context: context, options: .trusted).value
    try TorchScriptArchive.checkGlobals(in: raw, context: context) { module, name in
      allowedClasses.contains("\(module).\(name)")
        || WeightsOnlyPolicy.refusal(module: module, name: name) == nil
    }
    let reader = DCPFieldReader(context: context)
    let top = try reader.fields(raw, "Metadata")
    var items: [(fqn: String, item: Item)] = []
    for pair in try reader.dict(top["state_dict_metadata"], "state_dict_metadata") {
      let fqn = try reader.string(pair.key, "a state_dict_metadata key")
      items.append((fqn, try reader.item(pair.value, fqn: fqn)))
    }
    var storage: [StorageKey: Location] = [:]
    for pair in try reader.dict(top["storage_data"], "storage_data") {
      let index = try reader.fields(pair.key, "MetadataIndex")
      let fqn = try reader.string(index["fqn"], "MetadataIndex.fqn")
      let offsets: [Int]? =
        DCPFieldReader.isNone(index["offset"])
        ? nil : try reader.size(index["offset"], "MetadataIndex.offset of '\(fqn)'")
      let info = try reader.fields(
        pair.value, "_StorageInfo", module: "torch.distributed.checkpoint.filesystem")
      if !DCPFieldReader.isNone(info["transform_descriptors"]) {
        if case .list(let l)? = info["transform_descriptors"]?.unshared, l.isEmpty {
        } else {
          throw FormatError(
            .unsupported,
            "\(context): '\(fqn)' is stored with transforms (compression), which Repro does not read"
          )
        }
      }
      let location = Location(
        relativePath: try reader.string(
          info["relative_path"], "_StorageInfo.relative_path of '\(fqn)'"),
        offset: try reader.int(info["offset"], "_StorageInfo.offset of '\(fqn)'"),
        length: try reader.int(info["length"], "_StorageInfo.length of '\(fqn)'"))
      storage[StorageKey(fqn: fqn, offsets: offsets)] = location
    }
    var plannerData: [String: [PathPart]] = [:]
    if let planner = top["planner_data"], !DCPFieldReader.isNone(planner) {
      for pair in try reader.dict(planner, "planner_data") {
        let fqn = try reader.string(pair.key, "a planner_data key")
        guard case .tuple(let parts) = pair.value.unshared, !parts.isEmpty else {
          throw FormatError(.corrupt, "\(context): planner_data['\(fqn)'] is not a non-empty tuple")
        }
        plannerData[fqn] = try parts.map { (p) throws(FormatError) -> PathPart in
          switch p.unshared {
          case .string(let s): return .key(s)
          // A list cannot be longer than the values that fill it: this bounds what the
          // nesting allocates by the metadata's size.
          case .int(let i) where i >= 0 && i < items.count: return .index(Int(i))
          default:
            throw FormatError(
              .corrupt,
              "\(context): planner_data['\(fqn)'] holds \(p.typeName), not a str or a list index below \(items.count)"
            )
          }
        }
      }
    }
    return DCPMetadata(items: items, storage: storage, plannerData: plannerData)
  }
}
