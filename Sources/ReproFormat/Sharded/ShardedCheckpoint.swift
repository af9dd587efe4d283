public import Foundation
import ReproTensor

/// Hugging Face sharded checkpoints: shard files (`model-00001-of-00004.safetensors`,
/// `pytorch_model-00001-of-00004.bin`) plus an index (`model.safetensors.index.json`,
/// `pytorch_model.bin.index.json`) read as one logical state dict.
///
/// ```swift
/// let ckpt = try ShardedCheckpoint.load(contentsOf: URL(fileURLWithPath: "llama/"))
/// ckpt.format   // .shardedSafetensors
/// ```
///
/// The state dict's key order is the order transformers loads the shards in
/// (`sorted(set(weight_map.values()))`, file names sorted) and, within a shard, the shard's own
/// order (safetensors: data-offset order; torch: the pickled dict's order). For files written by
/// `huggingface_hub.save_torch_state_dict` that is the saved state dict's order except where a
/// tensor larger than the shard limit got a shard of its own ahead of the keys before it.
public enum ShardedCheckpoint {
  /// The index name `save_torch_state_dict` writes for safetensors shards.
  public static let safetensorsIndexName = "model.safetensors.index.json"
  /// The index name `save_torch_state_dict(safe_serialization=False)` writes for torch shards.
  public static let torchIndexName = "pytorch_model.bin.index.json"
  /// huggingface_hub's default `max_shard_size`, `"5GB"` (5 × 10⁹ bytes).
  public static let defaultMaximumShardSize = 5_000_000_000

  /// The index file of a sharded checkpoint given as the index itself (any `*.index.json`) or
  /// as its folder (holding `model.safetensors.index.json` or `pytorch_model.bin.index.json`).
  ///
  /// - Returns: nil when `url` is neither.
  public static func indexURL(for url: URL) -> URL? {
    var isDirectory: ObjCBool = false
    guard unsafe FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      return url.lastPathComponent.hasSuffix(".index.json") ? url : nil
    }
    if !isDirectory.boolValue { return url.lastPathComponent.hasSuffix(".index.json") ? url : nil }
    for name in [safetensorsIndexName, torchIndexName] {
      let candidate = url.appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// Loads a sharded checkpoint as one flat state dict (`Checkpoint.root` is a dict of
  /// name → tensor; `Checkpoint.metadata` is the `__metadata__` all safetensors shards share,
  /// `{"format": "pt"}` for huggingface_hub's, empty when they differ).
  ///
  /// Every shard the index names must exist; every key of the index must be in the shard it
  /// names; no key may be in two shards; shards may hold no key the index does not list.
  ///
  /// - Parameters:
  ///   - url: the index file or its folder.
  ///   - mapLocation: where storages go (torch shards; safetensors tensors are on the CPU).
  ///   - policy: what to do with torch shards whose pickles need classes outside the
  ///     weights-only allowlist (``LoadPolicy``).
  ///   - memoryMapped: tensors borrow the shard files' pages.
  /// - Throws: `FormatError` naming the index file and the key or shard at fault
  ///   (`.corrupt` for an inconsistent index, `.io` when a file cannot be read), or what the
  ///   shard's own reader throws, prefixed with the shard's name.
  public static func load(
    contentsOf url: URL, mapLocation: MapLocation? = nil, policy: LoadPolicy = .weightsOnly,
    memoryMapped: Bool = false
  ) throws(FormatError) -> Checkpoint {
    guard let indexURL = indexURL(for: url) else {
      throw FormatError(
        .invalidArgument,
        "\(url.path): neither a shard index (*.index.json) nor a folder holding \(safetensorsIndexName) or \(torchIndexName)"
      )
    }
    let name = indexURL.lastPathComponent
    let folder = indexURL.deletingLastPathComponent()
    let index = try ShardIndex.parse(ZipArchive.readFile(indexURL).bytes, name: name)
    guard !index.weightMap.isEmpty else {
      throw FormatError(.corrupt, "\(name): weight_map is empty")
    }
    let isSafeTensors = name.hasSuffix(".safetensors.index.json")
    var wanted: [String: String] = [:]
    for e in index.weightMap { wanted[e.key] = e.file }
    var loadedShards: [(file: String, pairs: [PicklePair])] = []
    var pairs: [PicklePair] = []
    var refusal: String?
    var sharedMetadata: [String: String]?
    for shard in index.shardFiles {
      let shardURL = folder.appendingPathComponent(shard)
      guard FileManager.default.fileExists(atPath: shardURL.path) else {
        let key = index.weightMap.first { $0.file == shard }?.key ?? ""
        throw FormatError(
          .corrupt,
          "\(name): weight_map['\(key)'] names shard '\(shard)', which does not exist in \(folder.path)"
        )
      }
      let shardPairs: [PicklePair]
      if isSafeTensors {
        guard shard.hasSuffix(".safetensors") else {
          throw FormatError(
            .corrupt,
            "\(name): shard '\(shard)' does not end in .safetensors, as a safetensors index requires"
          )
        }
        let loaded: Checkpoint
        do {
          loaded = try SafeTensorsCodec.read(
            contentsOf: shardURL, mapLocation: mapLocation, policy: policy,
            memoryMapped: memoryMapped)
        } catch {
          var e = error
          e.message = "\(shard): \(e.message)"
          throw e
        }
        sharedMetadata =
          sharedMetadata == nil || sharedMetadata == loaded.metadata ? loaded.metadata : [:]
        shardPairs = loaded.rootPairs
      } else {
        let loaded: Checkpoint
        do {
          loaded = try TorchFile.load(
            contentsOf: shardURL, mapLocation: mapLocation, policy: policy,
            memoryMapped: memoryMapped)
        } catch {
          var e = error
          e.message = "\(shard): \(e.message)"
          throw e
        }
        if refusal == nil, let r = loaded.weightsOnlyRefusal { refusal = "\(shard): \(r)" }
        switch loaded.root.unshared {
        case .dict(let p), .orderedDict(let p, _): shardPairs = p
        default:
          throw FormatError(
            .corrupt, "\(name): shard '\(shard)' does not hold a dict of tensors")
        }
      }
      loadedShards.append((shard, shardPairs))
    }
    // Checked once every shard is read, so that a key in two shards is reported as such.
    var foundIn: [String: String] = [:]
    for (shard, shardPairs) in loadedShards {
      for pair in shardPairs {
        let key = Inventory.keyString(pair.key)
        if let other = foundIn[key] {
          throw FormatError(
            .corrupt, "\(name): key '\(key)' is in two shards: '\(other)' and '\(shard)'")
        }
        foundIn[key] = shard
      }
    }
    for (shard, shardPairs) in loadedShards {
      for pair in shardPairs {
        let key = Inventory.keyString(pair.key)
        guard let listed = wanted[key] else {
          throw FormatError(
            .corrupt, "\(name): shard '\(shard)' holds key '\(key)', which the index does not list")
        }
        guard listed == shard else {
          throw FormatError(
            .corrupt,
            "\(name): key '\(key)' is in shard '\(shard)', but the index puts it in '\(listed)'")
        }
        pairs.append(pair)
      }
    }
    for e in index.weightMap where foundIn[e.key] == nil {
      throw FormatError(
        .corrupt, "\(name): key '\(e.key)' is not in shard '\(e.file)', where the index puts it")
    }
    return Checkpoint(
      format: isSafeTensors ? .shardedSafetensors : .shardedTorch, root: .dict(pairs),
      weightsOnlyRefusal: refusal, metadata: sharedMetadata ?? [:])
  }
}

extension Checkpoint {
  /// The pairs of a dict root (empty otherwise).
  var rootPairs: [PicklePair] {
    switch root.unshared {
    case .dict(let p), .orderedDict(let p, _): p
    default: []
    }
  }

  /// The root dict's entries as name → value (`str(key)` names), for writers of flat state
  /// dicts such as ``ShardedCheckpoint/save(_:to:maxShardSize:safeSerialization:)``.
  ///
  /// - Throws: `FormatError.Code.unsupported` when the root is not a dict.
  public func stateDictPairs() throws(FormatError) -> [(name: String, value: PickleValue)] {
    switch root.unshared {
    case .dict(let p), .orderedDict(let p, _):
      return p.map { (Inventory.keyString($0.key), $0.value) }
    default:
      throw FormatError(.unsupported, "the checkpoint's top level is not a dict (a state dict)")
    }
  }
}
