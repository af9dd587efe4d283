public import Foundation
public import ReproTensor

extension ShardedCheckpoint {
  /// How a state dict is split into shard files: what `huggingface_hub`'s
  /// `split_torch_state_dict_into_shards` decides.
  public struct Plan: Sendable {
    /// The shard files in order, each with its keys in order.
    public var shards: [(file: String, keys: [String])]
    /// The index to write (only written when there is more than one shard).
    public var index: ShardIndex
    /// Whether there is more than one shard (and so an index file).
    public var isSharded: Bool { shards.count > 1 }
    /// The index file name (`model.safetensors.index.json`).
    public var indexName: String
  }

  /// Splits a state dict as `huggingface_hub.split_torch_state_dict_into_shards` does.
  ///
  /// Greedy, in state-dict order: each tensor counts its storage's bytes
  /// (`untyped_storage().nbytes()`); one that would take the current shard past `maxShardSize`
  /// closes it and starts the next; one larger than `maxShardSize` gets a shard of its own,
  /// inserted before the open shard. Tensors sharing a storage with an earlier one (tied
  /// weights) follow it into its shard, after that shard's keys, and count nothing. One shard is
  /// named `model.safetensors` / `pytorch_model.bin`; several are `model-00001-of-00003.safetensors`
  /// and so on.
  ///
  /// - Parameters:
  ///   - stateDict: name → tensor, in order.
  ///   - maxShardSize: the limit in bytes.
  ///   - safeSerialization: safetensors names (`model…safetensors`) or torch names
  ///     (`pytorch_model…bin`). For safetensors, non-contiguous tensors count their own bytes
  ///     (save_torch_state_dict makes them contiguous first).
  public static func plan(
    _ stateDict: [(name: String, tensor: Tensor)], maxShardSize: Int, safeSerialization: Bool
  ) -> Plan {
    var shardList: [[String]] = []
    var current: [String] = []
    var currentSize = 0
    var totalSize = 0
    var groups: [(storage: ObjectIdentifier, keys: [String])] = []
    var groupOf: [ObjectIdentifier: Int] = [:]
    for (name, tensor) in stateDict {
      let copied = safeSerialization && !tensor.isContiguous
      if !copied {
        let id = ObjectIdentifier(tensor.storage)
        if let g = groupOf[id] {
          groups[g].keys.append(name)
          continue
        }
        groupOf[id] = groups.count
        groups.append((id, [name]))
      }
      let size = copied ? tensor.count * tensor.dtype.elementSize : tensor.storage.byteCount
      if size > maxShardSize {
        totalSize += size
        shardList.append([name])
        continue
      }
      if currentSize + size > maxShardSize {
        shardList.append(current)
        current = []
        currentSize = 0
      }
      current.append(name)
      currentSize += size
      totalSize += size
    }
    if !current.isEmpty { shardList.append(current) }
    for group in groups where group.keys.count > 1 {
      if let s = shardList.firstIndex(where: { $0.contains(group.keys[0]) }) {
        for key in group.keys.dropFirst() where !shardList[s].contains(key) {
          shardList[s].append(key)
        }
      }
    }
    let (prefix, suffix) = safeSerialization ? ("model", ".safetensors") : ("pytorch_model", ".bin")
    var shards: [(file: String, keys: [String])] = []
    for (i, keys) in shardList.enumerated() {
      let file =
        shardList.count == 1
        ? prefix + suffix
        : prefix + "-\(fiveDigits(i + 1))-of-\(fiveDigits(shardList.count))" + suffix
      shards.append((file, keys))
    }
    var weightMap: [(key: String, file: String)] = []
    for shard in shards { for key in shard.keys { weightMap.append((key, shard.file)) } }
    return Plan(
      shards: shards, index: ShardIndex(totalSize: totalSize, weightMap: weightMap),
      indexName: prefix + suffix + ".index.json")
  }

  static func fiveDigits(_ n: Int) -> String {
    let s = String(n)
    return s.count >= 5 ? s : String(repeating: "0", count: 5 - s.count) + s
  }

  /// Parses a shard size as `huggingface_hub`'s `parse_size_to_int`: a number followed by
  /// `KB`, `MB`, `GB` or `TB` (powers of 1000, case-insensitive), the value times the unit
  /// truncated to an integer (`0.5GB` is 500000000); a plain integer is bytes.
  ///
  /// - Throws: `FormatError.Code.invalidArgument` for anything else.
  public static func parseSize(_ text: String) throws(FormatError) -> Int {
    let s = text.trimmingCharacters(in: .whitespaces)
    if let bytes = Int(s), bytes > 0 { return bytes }
    let units: [String: Double] = ["TB": 1e12, "GB": 1e9, "MB": 1e6, "KB": 1e3]
    guard s.count > 2, let multiplier = units[String(s.suffix(2)).uppercased()],
      let value = Double(s.dropLast(2).trimmingCharacters(in: .whitespaces)), value.isFinite,
      value > 0, value * multiplier < 9e18
    else {
      throw FormatError(
        .invalidArgument,
        "invalid shard size '\(text)': expected a number of bytes or a number followed by KB, MB, GB or TB (e.g. 5GB)"
      )
    }
    return max(1, Int(value * multiplier))
  }

  /// Writes a state dict as `huggingface_hub.save_torch_state_dict` does.
  ///
  /// `save_torch_state_dict(state_dict, folder, max_shard_size=…)` writes the shards of
  /// `plan(…)` (safetensors files with metadata `{"format": "pt"}` as `save_file` writes them,
  /// or torch files as `torch.save` writes a dict), and for several shards the index. Files of
  /// an earlier save in the folder that match the pattern
  /// (`model(-NNNNN-of-NNNNN)?.safetensors(.index.json)?`) are removed first, as
  /// huggingface_hub does; the folder is created if missing.
  ///
  /// - Parameters:
  ///   - stateDict: name → tensor or parameter (`.tensor` / `.parameter` values), in order.
  ///   - folder: the output folder.
  ///   - maxShardSize: the limit in bytes (`parseSize("5GB")`).
  ///   - safeSerialization: safetensors shards (default) or torch shards.
  /// - Returns: the plan that was written.
  /// - Throws: `FormatError` (`.io`, or `.invalidArgument` for values the shard format cannot
  ///   hold, such as tensors sharing a storage in safetensors shards).
  @discardableResult
  public static func save(
    _ stateDict: [(name: String, value: PickleValue)], to folder: URL, maxShardSize: Int,
    safeSerialization: Bool = true
  ) throws(FormatError) -> Plan {
    var tensors: [(name: String, tensor: Tensor)] = []
    var values: [String: PickleValue] = [:]
    for (name, value) in stateDict {
      switch value.unshared {
      case .tensor(let t), .parameter(let t):
        tensors.append((name, t))
        values[name] = value
      default:
        throw FormatError(
          .invalidArgument,
          "a sharded checkpoint holds only tensors, but '\(name)' is a \(Inventory.describe(value).kind)"
        )
      }
    }
    if safeSerialization {
      var firstKey: [ObjectIdentifier: String] = [:]
      for (name, t) in tensors where t.isContiguous {
        if let other = firstKey[ObjectIdentifier(t.storage)] {
          throw FormatError(
            .invalidArgument,
            "'\(other)' and '\(name)' share one storage; safetensors shards cannot hold shared tensors (save_torch_state_dict drops all but one and records it in the metadata, which Repro does not do): write torch shards (--to torch) instead"
          )
        }
        firstKey[ObjectIdentifier(t.storage)] = name
      }
    }
    let plan = plan(tensors, maxShardSize: maxShardSize, safeSerialization: safeSerialization)
    do {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
      throw FormatError(.io, "cannot create \(folder.path)", cause: error)
    }
    try removeEarlierShards(in: folder, safeSerialization: safeSerialization)
    let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    for shard in plan.shards {
      let url = folder.appendingPathComponent(shard.file)
      if safeSerialization {
        let file = SafeTensorsFile(
          tensors: shard.keys.compactMap { k in byName[k].map { (k, $0) } },
          metadata: ["format": "pt"])
        try file.write(to: url)
      } else {
        let pairs = shard.keys.compactMap { k in values[k].map { PicklePair(.string(k), $0) } }
        try TorchFile.save(.dict(pairs), to: url)
      }
    }
    if plan.isSharded {
      let url = folder.appendingPathComponent(plan.indexName)
      do {
        try AtomicFile.write(Array(plan.index.jsonText().utf8), to: url)
      } catch {
        throw FormatError(.io, "cannot write \(url.path)", cause: error)
      }
    }
    return plan
  }

  /// Removes what `save_torch_state_dict` removes before saving: files named like its shards or
  /// index for this pattern.
  static func removeEarlierShards(in folder: URL, safeSerialization: Bool) throws(FormatError) {
    let (prefix, suffix) = safeSerialization ? ("model", ".safetensors") : ("pytorch_model", ".bin")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    for name in names {
      var rest = Substring(name)
      guard rest.hasPrefix(prefix) else { continue }
      rest = rest.dropFirst(prefix.count)
      if rest.hasPrefix("-") {
        let part = Array(rest.prefix(15))
        let isNumbered =
          part.count == 15 && part[0] == "-" && part[6...9] == ["-", "o", "f", "-"]
          && part[1...5].allSatisfy(\.isASCIIDigit) && part[10...14].allSatisfy(\.isASCIIDigit)
        guard isNumbered else { continue }
        rest = rest.dropFirst(15)
      }
      guard rest == suffix || rest == suffix + ".index.json" else { continue }
      do {
        try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
      } catch {
        throw FormatError(
          .io, "cannot remove the earlier shard \(name) in \(folder.path)", cause: error)
      }
    }
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
