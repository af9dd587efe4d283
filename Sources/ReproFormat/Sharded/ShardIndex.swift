/// The index of a Hugging Face sharded checkpoint (`model.safetensors.index.json`,
/// `pytorch_model.bin.index.json`): which shard file holds each tensor.
///
/// ```json
/// {"metadata": {"total_size": 771}, "weight_map": {"fc1.weight": "model-00001-of-00002.safetensors"}}
/// ```
///
/// The corresponding Python code is `huggingface_hub.save_torch_state_dict` (writing) and
/// transformers' `load_sharded_checkpoint` (reading).
public struct ShardIndex: Sendable, Equatable {
  /// The index's `metadata.total_size`, if present: the bytes of all distinct storages.
  public var totalSize: Int?
  /// Tensor name → shard file name, in the index's order.
  public var weightMap: [(key: String, file: String)]

  /// Creates an index.
  public init(totalSize: Int?, weightMap: [(key: String, file: String)]) {
    self.totalSize = totalSize
    self.weightMap = weightMap
  }

  /// Two indexes are equal when their sizes and weight maps (order included) are.
  public static func == (a: ShardIndex, b: ShardIndex) -> Bool {
    a.totalSize == b.totalSize && a.weightMap.count == b.weightMap.count
      && zip(a.weightMap, b.weightMap).allSatisfy { $0.key == $1.key && $0.file == $1.file }
  }

  /// The shard files in the order transformers loads them: `sorted(set(weight_map.values()))`.
  public var shardFiles: [String] { Array(Set(weightMap.map(\.file))).sorted() }

  /// Largest index accepted, as huggingface_hub's `MAX_INDEX_FILE_SIZE` bounds it.
  public static let maximumIndexLength = 100_000_000

  /// Parses an index file's bytes.
  ///
  /// - Parameters:
  ///   - bytes: the JSON text.
  ///   - name: the index file's name, used in error messages.
  /// - Throws: `FormatError.Code.corrupt` for invalid JSON, a missing `weight_map`, a non-string
  ///   shard name, a key listed twice, or a shard name that is not a plain file name in the
  ///   index's folder (absolute, `..`, a separator); `.limitExceeded` for an index over 100 MB.
  public static func parse(_ bytes: [UInt8], name: String) throws(FormatError) -> ShardIndex {
    guard bytes.count <= maximumIndexLength else {
      throw FormatError(
        .limitExceeded,
        "\(name): the index has \(bytes.count) bytes, more than the \(maximumIndexLength) accepted")
    }
    let json: HeaderJSON
    do {
      json = try HeaderJSONParser.parse(bytes)
    } catch {
      throw FormatError(
        .corrupt, "\(name): invalid JSON: \(error.message) at byte \(error.offset)")
    }
    guard case .object(let members) = json,
      case .object(let map)? = members.first(where: { $0.key == "weight_map" })?.value
    else {
      throw FormatError(
        .corrupt, "\(name): expected a JSON object with a 'weight_map' object")
    }
    var totalSize: Int?
    if case .object(let meta)? = members.first(where: { $0.key == "metadata" })?.value,
      case .number(let text)? = meta.first(where: { $0.key == "total_size" })?.value
    {
      totalSize = Int(text)
    }
    var seen: Set<String> = []
    var weightMap: [(key: String, file: String)] = []
    for (key, value) in map {
      guard case .string(let file) = value else {
        throw FormatError(
          .corrupt,
          "\(name): weight_map['\(key)'] is \(value.kindDescription), not a shard file name")
      }
      guard seen.insert(key).inserted else {
        throw FormatError(.corrupt, "\(name): key '\(key)' is listed twice in weight_map")
      }
      guard !file.isEmpty, !file.contains("/"), !file.contains("\\"), file != "..", file != ".",
        !file.contains(":")
      else {
        throw FormatError(
          .corrupt,
          "\(name): weight_map['\(key)'] names '\(file)', which is not a file name in the index's folder"
        )
      }
      weightMap.append((key, file))
    }
    return ShardIndex(totalSize: totalSize, weightMap: weightMap)
  }

  /// The JSON text `huggingface_hub.save_torch_state_dict` writes: `json.dump(index, f,
  /// indent=2)` (ASCII escapes, no final newline).
  public func jsonText() -> String {
    var lines = ["{"]
    if let totalSize {
      lines += ["  \"metadata\": {", "    \"total_size\": \(totalSize)", "  },"]
    } else {
      lines.append("  \"metadata\": {},")
    }
    lines.append("  \"weight_map\": {")
    for (i, e) in weightMap.enumerated() {
      let comma = i + 1 < weightMap.count ? "," : ""
      lines.append("    \(JSONText.string(e.key)): \(JSONText.string(e.file))\(comma)")
    }
    lines.append("  }")
    lines.append("}")
    return lines.joined(separator: "\n")
  }
}
