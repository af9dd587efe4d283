import ReproTensor

/// Reads the fields of DCP's pickled dataclasses from the unpickled tree, with errors that name
/// the `.metadata` file and the key.
struct DCPFieldReader {
  let context: String

  func fail(_ what: String) -> FormatError { FormatError(.corrupt, "\(context): \(what)") }

  static func isNone(_ v: PickleValue?) -> Bool {
    guard let v else { return true }
    if case .none = v.unshared { return true }
    return false
  }

  /// The fields of a dataclass instance `module.name` (its `BUILD` dict).
  func fields(
    _ v: PickleValue?, _ name: String, module: String = DCPMetadata.module
  ) throws(FormatError) -> [String: PickleValue] {
    var object: PickleObject?
    var state: PickleValue?
    switch v?.unshared {
    case .object(let o)?:
      object = o
      state = o.state
    case .build(let o, let s)?:
      if case .object(let inner) = o.unshared { object = inner }
      state = s
    default: break
    }
    guard let object, object.module == module, object.name == name else {
      throw fail("expected a \(module).\(name), found \(v?.typeName ?? "nothing")")
    }
    var out: [String: PickleValue] = [:]
    switch state?.unshared {
    case .dict(let pairs)?:
      for p in pairs { if let k = p.key.string { out[k] = p.value } }
    case .tuple(let items)? where items.count == 2:
      // (None, slots) or (dict, slots) for classes with __slots__.
      for part in items {
        if case .dict(let pairs) = part.unshared {
          for p in pairs { if let k = p.key.string { out[k] = p.value } }
        }
      }
    case nil: break
    default: throw fail("\(name) state is \(state?.typeName ?? "nothing"), not a dict")
    }
    return out
  }

  func dict(_ v: PickleValue?, _ what: String) throws(FormatError) -> [PicklePair] {
    switch v?.unshared {
    case .dict(let p)?, .orderedDict(let p, _)?: return p
    default: throw fail("\(what) is \(v?.typeName ?? "missing"), not a dict")
    }
  }

  func string(_ v: PickleValue?, _ what: String) throws(FormatError) -> String {
    guard let s = v?.string else { throw fail("\(what) is \(v?.typeName ?? "missing"), not a str") }
    return s
  }

  func int(_ v: PickleValue?, _ what: String) throws(FormatError) -> Int {
    guard let i = v?.int64, i >= 0, i < 1 << 53 else {
      throw fail("\(what) is \(v?.typeName ?? "missing"), not a non-negative int")
    }
    return Int(i)
  }

  /// A `torch.Size` (or a tuple/list of ints).
  func size(_ v: PickleValue?, _ what: String) throws(FormatError) -> [Int] {
    var items: [PickleValue]
    switch v?.unshared {
    case .reduce(let callable, let args)?:
      guard case .global("torch", "Size") = callable.unshared, case .tuple(let a) = args.unshared,
        a.count == 1
      else { throw fail("\(what) is not a torch.Size") }
      switch a[0].unshared {
      case .tuple(let d), .list(let d): items = d
      default: throw fail("\(what) is not a torch.Size")
      }
    case .tuple(let d)?, .list(let d)?: items = d
    default: throw fail("\(what) is \(v?.typeName ?? "missing"), not a torch.Size")
    }
    var out: [Int] = []
    for (i, item) in items.enumerated() { out.append(try int(item, "\(what)[\(i)]")) }
    return out
  }

  /// One `state_dict_metadata` value.
  func item(_ v: PickleValue, fqn: String) throws(FormatError) -> DCPMetadata.Item {
    if case .object(let o) = v.unshared, o.name == "BytesStorageMetadata" {
      return .bytes
    }
    let f = try fields(v, "TensorStorageMetadata")
    let props = f["properties"]
    var dtypeValue: PickleValue?
    switch props?.unshared {
    case .object(let o)? where o.name == "TensorProperties":
      switch o.state?.unshared {
      case .tuple(let t)?: dtypeValue = t.first
      case .dict(let pairs)?: dtypeValue = pairs.first { $0.key.string == "dtype" }?.value
      default: break
      }
    default: break
    }
    guard case .global("torch", let name)? = dtypeValue?.unshared,
      let dtype = DType(pytorchName: name)
    else {
      throw fail(
        "'\(fqn)': TensorProperties has no dtype Repro knows (\(dtypeValue?.typeName ?? "missing"))"
      )
    }
    let size = try self.size(f["size"], "'\(fqn)'.size")
    guard case .list(let chunkValues)? = f["chunks"]?.unshared else {
      throw fail("'\(fqn)'.chunks is not a list")
    }
    var chunks: [DCPMetadata.Chunk] = []
    for (i, c) in chunkValues.enumerated() {
      let cf = try fields(c, "ChunkStorageMetadata")
      let chunk = DCPMetadata.Chunk(
        offsets: try self.size(cf["offsets"], "'\(fqn)'.chunks[\(i)].offsets"),
        sizes: try self.size(cf["sizes"], "'\(fqn)'.chunks[\(i)].sizes"))
      guard chunk.offsets.count == size.count, chunk.sizes.count == size.count else {
        throw fail(
          "'\(fqn)'.chunks[\(i)] has \(chunk.offsets.count) offsets and \(chunk.sizes.count) sizes for a tensor of rank \(size.count)"
        )
      }
      chunks.append(chunk)
    }
    return .tensor(dtype: dtype, size: size, chunks: chunks)
  }
}
