public import ReproTensor

extension Checkpoint {
  /// The checkpoint with every floating-point tensor cast to `dtype` (PyTorch's `tensor.to`),
  /// other values unchanged.
  ///
  /// A tensor referenced from several places stays one shared tensor.
  public func castingFloatingTensors(to dtype: DType) -> Checkpoint {
    var copy = self
    copy.root = Checkpoint.map(root, memo: PickleSharedMap()) { t in
      t.dtype.isFloatingPoint ? t.to(dtype) : t
    }
    return copy
  }

  /// The checkpoint with every tensor tagged with `device` (what saving from that device
  /// writes); no data moves.
  ///
  /// A tensor referenced from several places stays one shared tensor.
  public func taggingTensors(with device: Device) -> Checkpoint {
    var copy = self
    copy.root = Checkpoint.map(root, memo: PickleSharedMap()) { $0.tagged(device) }
    return copy
  }

  /// The checkpoint with the keys of every state dict renamed: `prefix` removed from keys that
  /// start with it (PyTorch's `consume_prefix_in_state_dict_if_present`, `_metadata` included),
  /// or added to every key (as `nn.DataParallel(m).state_dict()` writes them).
  ///
  /// A state dict is an `OrderedDict` with `_metadata`, or a dict whose values are all tensors.
  public func renamingStateDictKeys(
    strippingPrefix strip: String? = nil, addingPrefix add: String? = nil
  ) -> Checkpoint {
    var copy = self
    copy.root = Checkpoint.renaming(root, strip: strip, add: add, memo: PickleSharedMap())
    return copy
  }

  static func map(
    _ v: PickleValue, memo: PickleSharedMap, _ f: (Tensor) -> Tensor
  ) -> PickleValue {
    switch v {
    case .tensor(let t): return .tensor(f(t))
    case .parameter(let t): return .parameter(f(t))
    case .shared(let s):
      if let done = memo.rebuilt(s) { return .shared(done) }
      let new = PickleShared(map(s.value, memo: memo, f))
      memo.record(s, as: new)
      return .shared(new)
    case .backReference(let r): return memo.reference(r)
    case .dict(let pairs):
      return .dict(pairs.map { PicklePair($0.key, map($0.value, memo: memo, f)) })
    case .orderedDict(let pairs, let attributes):
      return .orderedDict(
        pairs.map { PicklePair($0.key, map($0.value, memo: memo, f)) },
        attributes: attributes.map { PicklePair($0.key, map($0.value, memo: memo, f)) })
    case .list(let items): return .list(items.map { map($0, memo: memo, f) })
    case .tuple(let items): return .tuple(items.map { map($0, memo: memo, f) })
    case .object(var o):
      o.state = o.state.map { map($0, memo: memo, f) }
      return .object(o)
    case .build(let obj, let state):
      return .build(map(obj, memo: memo, f), state: map(state, memo: memo, f))
    default: return v
    }
  }

  static func isStateDict(_ pairs: [PicklePair], attributes: [PicklePair]?) -> Bool {
    if let attributes,
      attributes.contains(where: { if case .string("_metadata") = $0.key { true } else { false } })
    {
      return true
    }
    return !pairs.isEmpty
      && pairs.allSatisfy {
        switch $0.value.unshared {
        case .tensor, .parameter: true
        default: false
        }
      }
  }

  static func renamed(_ key: PickleValue, strip: String?, add: String?) -> PickleValue {
    guard case .string(var s) = key else { return key }
    if let strip, s.hasPrefix(strip) { s.removeFirst(strip.count) }
    if let add { s = add + s }
    return .string(s)
  }

  static func renamedMetadata(_ meta: PickleValue, strip: String?, add: String?) -> PickleValue {
    guard case .orderedDict(let pairs, let attrs) = meta.unshared else { return meta }
    var out: [PicklePair] = []
    for p in pairs {
      guard case .string(let path) = p.key else {
        out.append(p)
        continue
      }
      var newPath = path
      if let strip {
        let bare = strip.hasSuffix(".") ? String(strip.dropLast()) : strip
        if path.isEmpty {
          out.append(p)
          continue
        }
        if path == bare {
          // The wrapped module's own entry replaces the wrapper's root entry, in place.
          if let root = out.firstIndex(where: {
            if case .string("") = $0.key { true } else { false }
          }) {
            out[root] = PicklePair(.string(""), p.value)
            continue
          }
          newPath = ""
        } else if path.hasPrefix(strip) {
          newPath = String(path.dropFirst(strip.count))
        }
      }
      if let add {
        let bare = add.hasSuffix(".") ? String(add.dropLast()) : add
        newPath = newPath.isEmpty ? bare : add + newPath
        if out.isEmpty { out.append(PicklePair(.string(""), p.value)) }
      }
      out.append(PicklePair(.string(newPath), p.value))
    }
    return .orderedDict(out, attributes: attrs)
  }

  static func renaming(_ v: PickleValue, strip: String?, add: String?, memo: PickleSharedMap)
    -> PickleValue
  {
    switch v {
    case .shared(let s):
      if let done = memo.rebuilt(s) { return .shared(done) }
      let new = PickleShared(renaming(s.value, strip: strip, add: add, memo: memo))
      memo.record(s, as: new)
      return .shared(new)
    case .backReference(let r): return memo.reference(r)
    case .orderedDict(let pairs, let attributes) where isStateDict(pairs, attributes: attributes):
      let attrs = attributes.map { a -> PicklePair in
        if case .string("_metadata") = a.key {
          return PicklePair(a.key, renamedMetadata(a.value, strip: strip, add: add))
        }
        return a
      }
      return .orderedDict(
        pairs.map { PicklePair(renamed($0.key, strip: strip, add: add), $0.value) },
        attributes: attrs)
    case .dict(let pairs) where isStateDict(pairs, attributes: nil):
      return .dict(pairs.map { PicklePair(renamed($0.key, strip: strip, add: add), $0.value) })
    case .dict(let pairs):
      return .dict(
        pairs.map { PicklePair($0.key, renaming($0.value, strip: strip, add: add, memo: memo)) })
    case .orderedDict(let pairs, let attributes):
      return .orderedDict(
        pairs.map { PicklePair($0.key, renaming($0.value, strip: strip, add: add, memo: memo)) },
        attributes: attributes)
    case .list(let items):
      return .list(items.map { renaming($0, strip: strip, add: add, memo: memo) })
    case .tuple(let items):
      return .tuple(items.map { renaming($0, strip: strip, add: add, memo: memo) })
    default: return v
    }
  }

  /// A type name with its English article: "a dict", "an int", "an OrderedDict".
  static func withArticle(_ name: String) -> String {
    let shown = name == "collections.OrderedDict" ? "OrderedDict" : name
    let vowel = shown.first.map { "aeiouAEIOU".contains($0) } ?? false
    return (vowel ? "an " : "a ") + shown
  }

  /// The tensors of a flat name → tensor dict, for formats that hold nothing else (safetensors).
  ///
  /// - Throws: `FormatError.Code.unsupported` naming the first value that is not a tensor.
  public func flatTensors() throws(FormatError) -> [(name: String, tensor: Tensor)] {
    let pairs: [PicklePair]
    switch root.unshared {
    case .dict(let p), .orderedDict(let p, _): pairs = p
    default:
      throw FormatError(
        .unsupported,
        "safetensors holds a flat name → tensor dict, but the file's top level is not a dict")
    }
    var out: [(String, Tensor)] = []
    for p in pairs {
      let name = Inventory.keyString(p.key)
      switch p.value.unshared {
      case .tensor(let t), .parameter(let t): out.append((name, t))
      default:
        throw FormatError(
          .unsupported,
          "safetensors holds only tensors, but '\(name)' is \(Checkpoint.withArticle(p.value.typeName)); convert a flat state dict instead"
        )
      }
    }
    return out
  }
}
