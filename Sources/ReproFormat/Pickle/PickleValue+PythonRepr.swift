import ReproTensor

extension PickleValue {
  /// Python's `repr()` of the value: exact (as CPython prints it, through `PythonRepr`) for
  /// scalars, strings, bytes and containers of them; a readable stand-in for objects, tensors,
  /// storages and globals, which Python would print through their classes.
  public var pythonRepr: String {
    switch unshared {
    case .none: "None"
    case .bool(let b): PythonRepr.bool(b)
    case .int(let i): PythonRepr.int(i)
    case .bigInt(let b): PythonRepr.int(twosComplementLittleEndian: b.bytes)
    case .float(let d): PythonRepr.float(d)
    case .string(let s): PythonRepr.string(s)
    case .bytes(let b): PythonRepr.bytes(b)
    case .tuple(let items):
      items.count == 1
        ? "(\(items[0].pythonRepr),)" : "(" + items.map(\.pythonRepr).joined(separator: ", ") + ")"
    case .list(let items): "[" + items.map(\.pythonRepr).joined(separator: ", ") + "]"
    case .set(let items):
      items.isEmpty ? "set()" : "{" + items.map(\.pythonRepr).joined(separator: ", ") + "}"
    case .frozenSet(let items):
      "frozenset({" + items.map(\.pythonRepr).joined(separator: ", ") + "})"
    case .dict(let pairs), .orderedDict(let pairs, _):
      "{" + pairs.map { $0.key.pythonRepr + ": " + $0.value.pythonRepr }.joined(separator: ", ")
        + "}"
    case .global(let module, let name): "<\(module).\(name)>"
    case .object(let o): "<\(o.qualifiedName) object>"
    case .tensor(let t), .parameter(let t): "tensor(shape=\(t.shape), dtype=\(t.dtype))"
    case .storage(let s): "<\(s.dtype.storageClassName) \(s.key)>"
    case .reduce(let c, let a): "\(c.pythonRepr)\(a.pythonRepr)"
    case .build(let o, _): o.pythonRepr
    case .persistentID(let p): "persistent_id(\(p.pythonRepr))"
    case .shared(let s): s.value.pythonRepr
    case .backReference(let r):
      // Python's recursive repr: `{...}` for a dict, `[...]` for a list.
      switch r.target?.value {
      case .dict?: "{...}"
      case .list?: "[...]"
      default: "..."
      }
    }
  }

  /// Python's `str()` of the value: strings unquoted, everything else as `pythonRepr`.
  public var pythonStr: String {
    if case .string(let s) = unshared { return s }
    return pythonRepr
  }
}
