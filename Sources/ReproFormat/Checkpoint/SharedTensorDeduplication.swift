public import ReproTensor

/// Tensors that share memory, removed the way `safetensors.torch.save_model` removes them, so
/// that a state dict with tied weights can be written as safetensors.
///
/// safetensors refuses tensors that share memory (`save_file` raises). `save_model` first finds
/// the names that share a storage (same device, same storage, overlapping bytes), keeps in each
/// such group the first name in sorted order among those that cover the whole storage, drops the
/// others and records each dropped name in `__metadata__` as `{dropped: kept}` (unless the
/// metadata already has that key). This type does the same with a flat name → tensor list.
///
/// Groups whose bytes do not overlap and single tensors are left alone. Where `save_model` raises,
/// this throws: a shared group with no name covering its whole storage, or a shared tensor that is
/// not contiguous (`save_model` calls `tensor.view(-1)` on it).
///
/// ```swift
/// let d = try SharedTensorDeduplication(tensors: try ckpt.flatTensors(), metadata: ckpt.metadata)
/// d.dropped        // [(name: "transformer.wte.weight", keptName: "lm_head.weight")]
/// try SafeTensorsFile(tensors: d.tensors, metadata: d.metadata).write(to: url)
/// ```
public struct SharedTensorDeduplication: Sendable {
  /// A name that was dropped because another name holds the same memory.
  public struct Dropped: Sendable, Hashable {
    /// The dropped name.
    public var name: String
    /// The name kept for its memory.
    public var keptName: String
  }

  /// The tensors left, in their original order.
  public var tensors: [(name: String, tensor: Tensor)]
  /// The metadata with one `{dropped: kept}` entry per dropped name.
  public var metadata: [String: String]
  /// The dropped names, in `save_model`'s order (by kept name, then dropped name).
  public var dropped: [Dropped]

  private struct Area {
    var begin: Int
    var end: Int
    var name: String
    var isComplete: Bool
  }

  /// Removes shared tensors as `safetensors.torch.save_model` does.
  ///
  /// - Parameters:
  ///   - tensors: a flat name → tensor list.
  ///   - metadata: the `__metadata__` to extend.
  /// - Throws: `FormatError.Code.invalidArgument` naming the shared keys when `save_model` would
  ///   refuse them.
  public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:])
    throws(FormatError)
  {
    struct GroupKey: Hashable {
      var device: String
      var storage: ObjectIdentifier
      var bytes: Int
    }
    var groups: [GroupKey: [(name: String, tensor: Tensor)]] = [:]
    var order: [GroupKey] = []
    for (name, t) in tensors where t.storage.byteCount > 0 {
      let key = GroupKey(
        device: t.device.description, storage: ObjectIdentifier(t.storage),
        bytes: t.storage.byteCount)
      if groups[key] == nil { order.append(key) }
      groups[key, default: []].append((name, t))
    }
    var removed: [(kept: String, names: [String])] = []
    for key in order {
      guard let group = groups[key], group.count > 1 else { continue }
      let names = group.map(\.name).sorted(by: SharedTensorDeduplication.pythonLess)
      var areas: [Area] = []
      for (name, t) in group {
        guard t.isContiguous else {
          throw FormatError(
            .invalidArgument,
            "safetensors: tensors \(SharedTensorDeduplication.list(names)) share memory and '\(name)' is not contiguous, so safetensors.torch.save_model cannot deduplicate them (it raises on tensor.view(-1)); save copies instead"
          )
        }
        let size = t.dtype.elementSize
        let begin = t.storageOffset * size
        let end = t.count == 0 ? begin : begin + t.count * size
        areas.append(
          Area(
            begin: begin, end: end, name: name,
            isComplete: begin == 0 && t.count * size == key.bytes))
      }
      areas.sort {
        ($0.begin, $0.end) != ($1.begin, $1.end)
          ? ($0.begin, $0.end) < ($1.begin, $1.end)
          : SharedTensorDeduplication.pythonLess($0.name, $1.name)
      }
      // save_model's _filter_shared_not_shared: a new cluster starts where an area begins at or
      // after the end of the area before it.
      var clusters: [[Area]] = [[areas[0]]]
      var lastStop = areas[0].end
      for a in areas.dropFirst() {
        if a.begin >= lastStop {
          clusters.append([a])
        } else {
          clusters[clusters.count - 1].append(a)
        }
        lastStop = a.end
      }
      for cluster in clusters {
        let complete = cluster.filter(\.isComplete).map(\.name)
        guard let kept = complete.min(by: SharedTensorDeduplication.pythonLess) else {
          throw FormatError(
            .invalidArgument,
            "safetensors: tensors \(SharedTensorDeduplication.list(names)) share one storage, but none of \(SharedTensorDeduplication.list(cluster.map(\.name).sorted(by: SharedTensorDeduplication.pythonLess))) covers all of it, so safetensors.torch.save_model refuses them too; save copies instead"
          )
        }
        let others = cluster.map(\.name).filter { $0 != kept }
        if !others.isEmpty {
          removed.append((kept, others.sorted(by: SharedTensorDeduplication.pythonLess)))
        }
      }
    }
    var meta = metadata
    var dropped: [Dropped] = []
    for (kept, names) in removed {
      for name in names {
        if meta[name] == nil { meta[name] = kept }
        dropped.append(Dropped(name: name, keptName: kept))
      }
    }
    let droppedNames = Set(dropped.map(\.name))
    self.tensors = tensors.filter { !droppedNames.contains($0.name) }
    self.metadata = meta
    self.dropped = dropped
  }

  /// Python's `str` order (by code point).
  static func pythonLess(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
  }

  static func list(_ names: [String]) -> String {
    names.map { "'\($0)'" }.joined(separator: ", ")
  }
}
