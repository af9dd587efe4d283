import ReproTensor

/// Turns the raw pickle tree of a torch file into tensors: persistent ids become storages (via
/// `loadStorage`, called once per reference in pickle order, cached by the caller), and the
/// rebuild calls of `torch._utils` become `.tensor` / `.parameter` leaves.
///
/// Shared nodes stay
/// shared.
struct TensorResolver {
  /// A persistent id: `('storage', storage class, key, location, numel[, view metadata])`.
  struct StorageID {
    var dtype: DType
    var key: String
    var location: String
    var numel: Int
  }

  let context: String
  let loadStorage: (StorageID) throws(FormatError) -> TypedStorage
  private let memo = PickleSharedMap()
  /// The dict keys and indices leading to the value being resolved (for error messages).
  private var path: [String] = []

  init(context: String, loadStorage: @escaping (StorageID) throws(FormatError) -> TypedStorage) {
    self.context = context
    self.loadStorage = loadStorage
  }

  func fail(_ what: String) -> FormatError { FormatError(.corrupt, "\(context): \(what)") }

  /// The dtype a storage class names.
  static func dtype(ofStorageClass v: PickleValue, context: String) throws(FormatError) -> DType {
    guard case .global(let module, let name) = v.unshared else {
      throw FormatError(
        .corrupt, "\(context): persistent id names \(v.typeName), not a storage class")
    }
    if module == "torch.storage" && name == "UntypedStorage" { return .uint8 }
    if module == "torch" || module == "torch.cuda", let d = DType(storageClassName: name) {
      return d
    }
    throw FormatError(.unsupported, "\(context): storage class \(module).\(name) is not supported")
  }

  /// Parses a persistent id tuple.
  static func storageID(_ pid: PickleValue, context: String) throws(FormatError) -> StorageID {
    guard let e = pid.elements, e.count == 5 || e.count == 6, e[0].string == "storage",
      let key = e[2].string, let location = e[3].string, let numel = e[4].int64, numel >= 0
    else {
      throw FormatError(
        .corrupt,
        "\(context): unsupported persistent id (expected ('storage', class, key, location, numel))")
    }
    if e.count == 6, case .none = e[5].unshared {
    } else if e.count == 6 {
      throw FormatError(
        .unsupported,
        "\(context): legacy storage views (view_metadata) of pre-1.0 files are not supported")
    }
    guard numel <= Int64(Int.max / 16) else {
      throw FormatError(.limitExceeded, "\(context): storage \(key) declares \(numel) elements")
    }
    return StorageID(
      dtype: try dtype(ofStorageClass: e[1], context: context), key: key, location: location,
      numel: Int(numel))
  }

  mutating func resolve(_ v: PickleValue) throws(FormatError) -> PickleValue {
    switch v {
    case .none, .bool, .int, .bigInt, .float, .string, .bytes, .global, .storage, .tensor,
      .parameter:
      return v
    case .shared(let box):
      if let done = memo.rebuilt(box) { return .shared(done) }
      let new = PickleShared(try resolve(box.value))
      memo.record(box, as: new)
      return .shared(new)
    case .backReference(let r): return memo.reference(r)
    case .tuple(let x): return .tuple(try resolveAll(x))
    case .list(let x): return .list(try resolveAll(x))
    case .set(let x): return .set(try resolveAll(x))
    case .frozenSet(let x): return .frozenSet(try resolveAll(x))
    case .dict(let p): return .dict(try resolvePairs(p))
    case .orderedDict(let p, let a):
      return .orderedDict(try resolvePairs(p), attributes: try resolvePairs(a))
    case .persistentID(let pid):
      return .storage(try loadStorage(try TensorResolver.storageID(pid, context: context)))
    case .object(var o):
      o.args = try resolve(o.args)
      if let s = o.state { o.state = try resolve(s) }
      // numpy arrays and scalars are decoded lazily; a broken one is refused here, by path.
      _ = try NumpyValue.decode(.object(o), at: path.joined(separator: "/"))
      return .object(o)
    case .build(let obj, let state):
      let inner = try resolve(obj)
      switch inner.unshared {
      case .tensor, .parameter:
        // Python attributes of a tensor/parameter (or legacy `set_`) carry no tensor data.
        return inner
      default:
        return .build(inner, state: try resolve(state))
      }
    case .reduce(let callable, let args):
      let a = try resolve(args)
      if case .global(let module, let name) = callable, let r = try rebuild(module, name, a) {
        return r
      }
      return .reduce(callable: try resolve(callable), args: a)
    }
  }

  private mutating func resolveAll(_ x: [PickleValue]) throws(FormatError) -> [PickleValue] {
    var out: [PickleValue] = []
    out.reserveCapacity(x.count)
    for (i, e) in x.enumerated() {
      path.append(String(i))
      defer { path.removeLast() }
      out.append(try resolve(e))
    }
    return out
  }

  private mutating func resolvePairs(_ p: [PicklePair]) throws(FormatError) -> [PicklePair] {
    var out: [PicklePair] = []
    out.reserveCapacity(p.count)
    for e in p {
      let key = try resolve(e.key)
      path.append(Inventory.keyString(key))
      defer { path.removeLast() }
      out.append(PicklePair(key, try resolve(e.value)))
    }
    return out
  }

  private func ints(_ v: PickleValue, _ what: String) throws(FormatError) -> [Int] {
    var v = v.unshared
    // torch.Size((2, 3))
    if case .reduce(.global("torch", "Size"), let a) = v, let inner = a[0] { v = inner.unshared }
    guard let e = v.elements else { throw fail("tensor \(what) is \(v.typeName), not a tuple") }
    var out: [Int] = []
    for x in e {
      guard let i = x.int64 else { throw fail("tensor \(what) contains \(x.typeName)") }
      out.append(Int(i))
    }
    return out
  }

  private func tensor(_ a: [PickleValue], dtype override: DType?) throws(FormatError) -> Tensor {
    guard a.count >= 4, case .storage(let s) = a[0].unshared else {
      throw fail("tensor rebuild arguments do not start with a storage")
    }
    guard let offset = a[1].int64 else { throw fail("tensor storage offset is \(a[1].typeName)") }
    let shape = try ints(a[2], "size")
    let strides = try ints(a[3], "stride")
    let requiresGrad = a.count > 4 ? (a[4].bool ?? false) : false
    let dtype = override ?? s.dtype
    do {
      return try Tensor(
        storage: s.storage, dtype: dtype, shape: shape, strides: strides,
        storageOffset: Int(offset), device: s.device, requiresGrad: requiresGrad)
    } catch {
      throw FormatError(
        .corrupt, "\(context): Trying to resize storage that is not resizable: \(error.message)",
        cause: error)
    }
  }

  private func checkMetadata(_ m: PickleValue?) throws(FormatError) {
    guard let m, let pairs = m.pairs else { return }
    for p in pairs where p.value.bool == true {
      throw FormatError(
        .unsupported,
        "\(context): tensors with the '\(p.key.string ?? "?")' bit set are not supported")
    }
  }

  /// The tensor for a `torch._utils` rebuild call, or nil if `module.name` is not one.
  private mutating func rebuild(_ module: String, _ name: String, _ args: PickleValue)
    throws(FormatError) -> PickleValue?
  {
    let full = "\(module).\(name)"
    guard let a = args.elements else { return nil }
    switch full {
    case "torch._utils._rebuild_tensor_v2":
      guard a.count >= 6 else {
        throw fail("_rebuild_tensor_v2 takes 6 or 7 arguments, got \(a.count)")
      }
      try checkMetadata(a.count > 6 ? a[6] : nil)
      return .tensor(try tensor(a, dtype: nil))
    case "torch._utils._rebuild_tensor_v3":
      guard a.count >= 7 else {
        throw fail("_rebuild_tensor_v3 takes 7 or 8 arguments, got \(a.count)")
      }
      guard case .global("torch", let dname) = a[6].unshared else {
        throw fail("_rebuild_tensor_v3 dtype is \(a[6].typeName)")
      }
      guard let d = DType(pytorchName: dname) else {
        throw FormatError(
          .unsupported, "\(context): dtype torch.\(dname) is not supported by ReproTensor")
      }
      try checkMetadata(a.count > 7 ? a[7] : nil)
      return .tensor(try tensor(a, dtype: d))
    case "torch._utils._rebuild_tensor":
      guard a.count == 4 else { throw fail("_rebuild_tensor takes 4 arguments, got \(a.count)") }
      return .tensor(try tensor(a, dtype: nil))
    case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
      "torch.nn.parameter.Parameter":
      guard let first = a.first, var t = first.tensor else {
        throw fail("\(name) argument is not a tensor")
      }
      t.requiresGrad = a.count > 1 ? (a[1].bool ?? true) : true
      return .parameter(t)
    case "torch._tensor._rebuild_from_type_v2":
      guard a.count >= 3, case .global(let fm, let fn) = a[0].unshared,
        let inner = try rebuild(fm, fn, a[2])
      else { return nil }
      if case .global("torch.nn.parameter", "Parameter") = a[1].unshared, var t = inner.tensor {
        t.requiresGrad = true
        return .parameter(t)
      }
      return inner
    case let f where f.hasPrefix("torch._utils._rebuild_"):
      throw FormatError(
        .unsupported,
        "\(context): \(f) (quantized, sparse, nested or subclass tensors) is not supported")
    default:
      return nil
    }
  }
}
