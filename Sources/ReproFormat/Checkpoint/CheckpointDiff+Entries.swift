import ReproTensor

extension CheckpointDiff {
  /// Entries removed, added, changed in kind or value; for tensors, metadata lines and a
  /// `.values` item when the values differ (which names the dtypes: no separate dtype line).
  static func entryItems(
    _ a: [Inventory.Entry], _ b: [Inventory.Entry], equalRecords: Set<StoragePair> = []
  ) -> [Item] {
    var out: [Item] = []
    let mapB = Dictionary(b.map { ($0.path, $0) }, uniquingKeysWith: { x, _ in x })
    let pathsA = Set(a.map(\.path))
    for e in a where mapB[e.path] == nil { out.append(.line("\(e.path): removed (\(e.kind))")) }
    for e in b where !pathsA.contains(e.path) {
      out.append(.line("\(e.path): added (\(e.kind))"))
    }
    for ea in a {
      guard let eb = mapB[ea.path] else { continue }
      switch (ea.tensor, eb.tensor) {
      case (let ta?, let tb?):
        out += tensorItems(
          ea.path, ta, tb, ea.isParameter, eb.isParameter, equalRecords: equalRecords)
      case (nil, nil):
        if ea.kind != eb.kind || ea.valueJSON != eb.valueJSON || ea.className != eb.className {
          out.append(
            .line(
              "\(ea.path): \(ea.kind) \(ea.valueJSON ?? ea.className ?? "") → \(eb.kind) \(eb.valueJSON ?? eb.className ?? "")"
            ))
        }
      default: out.append(.line("\(ea.path): \(ea.kind) → \(eb.kind)"))
      }
    }
    return out
  }

  static func tensorItems(
    _ path: String, _ a: Tensor, _ b: Tensor, _ pa: Bool, _ pb: Bool,
    equalRecords: Set<StoragePair> = []
  ) -> [Item] {
    var out: [String] = []
    let sameRecord =
      a.dtype == b.dtype && a.strides == b.strides && a.storageOffset == b.storageOffset
      && equalRecords.contains(StoragePair(a.storage, b.storage))
    let differ =
      a.shape == b.shape && (a.dtype != b.dtype || !(sameRecord || sameElementBytes(a, b)))
    if a.dtype != b.dtype && !differ {
      out.append("\(path): dtype \(a.dtype.pytorchName) → \(b.dtype.pytorchName)")
    }
    if a.shape != b.shape { out.append("\(path): shape \(a.shape) → \(b.shape)") }
    if a.strides != b.strides { out.append("\(path): stride \(a.strides) → \(b.strides)") }
    if a.storageOffset != b.storageOffset {
      out.append("\(path): storage_offset \(a.storageOffset) → \(b.storageOffset)")
    }
    if a.device != b.device { out.append("\(path): device \(a.device) → \(b.device)") }
    if a.requiresGrad != b.requiresGrad {
      out.append("\(path): requires_grad \(a.requiresGrad) → \(b.requiresGrad)")
    }
    if pa != pb { out.append("\(path): parameter \(pa) → \(pb)") }
    var items = out.map(Item.line)
    if differ {
      items.append(.values(path: path, first: a, second: b))
    }
    return items
  }

  /// Whether two tensors of the same dtype and shape hold the same bytes in row-major order
  /// (`memcmp` chunk by chunk through ``ReproTensor/TensorByteReader``: no copy of a contiguous
  /// tensor, mapped pages released behind the loop).
  static func sameElementBytes(_ a: Tensor, _ b: Tensor) -> Bool {
    let ra = TensorByteReader(a)
    let rb = TensorByteReader(b)
    let step = min(ra.elementsPerChunk, rb.elementsPerChunk)
    while ra.remainingElements > 0 {
      let equal = unsafe ra.withNext(elements: step) { x in
        unsafe rb.withNext(elements: step) { y in unsafe bytesEqual(x, y) }
      }
      if !equal { return false }
    }
    return true
  }
}
