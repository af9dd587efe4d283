public import ReproTensor

/// Every value reachable in a checkpoint, flattened to paths: the contract of the interop
/// corpus (`Golden/pytorch/interop/*.expected.json`, `Scripts/inventory.py`).
///
/// Paths join dict keys (`str(key)`) and list/tuple indices with `/`, depth first in each
/// container's order. Empty containers give no entry. A whole module gives one `module` entry
/// followed by its `state_dict(keep_vars=True)` entries under its path. A container met again
/// inside itself (a reference cycle) gives a `cycle` entry whose value is the path of that
/// container. numpy arrays give `ndarray` entries (dtype, shape, sha256 of the C-order bytes),
/// numpy scalars an entry whose kind is their type (`float64`) and `numpy.dtype` objects a
/// `dtype` entry with numpy's name (`float64`).
public struct Inventory: Sendable {
  /// One reachable value.
  public struct Entry: Sendable {
    /// The slash-joined path (`model_state_dict/0.weight`).
    public var path: String
    /// The Python type name (`tensor`, `int`, `float`, `str`, `bool`, `NoneType`, `module`, …).
    public var kind: String
    /// The tensor, for `tensor` entries.
    public var tensor: Tensor?
    /// Whether the tensor is an `nn.Parameter`.
    public var isParameter: Bool = false
    /// The value of a non-tensor entry, as JSON text.
    public var valueJSON: String?
    /// The module class (`torch.nn.modules.linear.Linear`), for `module` entries.
    public var className: String?
    /// The array, for `ndarray` entries (numpy arrays).
    public var array: NumpyArray?
  }

  /// The file's format.
  public var format: CheckpointFormat
  /// Whether `torch.load(weights_only=True)` accepts the file.
  public var weightsOnlyOK: Bool
  /// Why it would refuse, if it would.
  public var weightsOnlyRefusal: String?
  /// safetensors `__metadata__`.
  public var metadata: [String: String]
  /// The entries in order.
  public var entries: [Entry]

  /// The inventory of a loaded checkpoint.
  public init(of checkpoint: Checkpoint) {
    format = checkpoint.format
    weightsOnlyOK = checkpoint.weightsOnlyOK
    weightsOnlyRefusal = checkpoint.weightsOnlyRefusal
    metadata = checkpoint.metadata
    var out: [Entry] = []
    var enclosing: [ObjectIdentifier: String] = [:]
    Inventory.walk(checkpoint.root, path: "", enclosing: &enclosing, into: &out)
    entries = out
  }

  static func join(_ prefix: String, _ key: String) -> String {
    prefix.isEmpty ? key : prefix + "/" + key
  }

  /// Appends the entries of `value`; `enclosing` maps the shared nodes being walked to their
  /// paths, for the entries of back-references.
  static func walk(
    _ value: PickleValue, path: String, enclosing: inout [ObjectIdentifier: String],
    into out: inout [Entry]
  ) {
    switch value {
    case .shared(let s):
      let id = ObjectIdentifier(s)
      let outer = enclosing[id]
      enclosing[id] = path
      walk(s.value, path: path, enclosing: &enclosing, into: &out)
      enclosing[id] = outer
    case .backReference(let r):
      let target = r.target.flatMap { enclosing[ObjectIdentifier($0)] }
      out.append(
        Entry(path: path, kind: "cycle", valueJSON: target.map(JSONText.string) ?? "null"))
    case .tensor(let t): out.append(Entry(path: path, kind: "tensor", tensor: t))
    case .parameter(let t):
      out.append(Entry(path: path, kind: "tensor", tensor: t, isParameter: true))
    case .dict(let pairs), .orderedDict(let pairs, _):
      for p in pairs {
        walk(p.value, path: join(path, keyString(p.key)), enclosing: &enclosing, into: &out)
      }
    case .list(let items), .tuple(let items):
      for (i, v) in items.enumerated() {
        walk(v, path: join(path, String(i)), enclosing: &enclosing, into: &out)
      }
    case .object(let object) where ModuleTree.isModule(object):
      out.append(Entry(path: path, kind: "module", className: object.qualifiedName))
      for (key, v) in ModuleTree.stateDict(of: object, keepVars: true) {
        walk(v, path: join(path, key), enclosing: &enclosing, into: &out)
      }
    case .object:
      // Validated when the file was loaded; a value that fails here is shown as an object.
      switch try? NumpyValue.decode(value, at: path) {
      case .array(let a)?: out.append(Entry(path: path, kind: "ndarray", array: a))
      case .scalar(let x)?:
        out.append(Entry(path: path, kind: x.dtype.name, valueJSON: x.jsonValue))
      case .dtype(let d)?:
        out.append(Entry(path: path, kind: "dtype", valueJSON: JSONText.string(d.name)))
      case nil:
        let (kind, json) = describe(value)
        out.append(Entry(path: path, kind: kind, valueJSON: json))
      }
    default:
      let (kind, json) = describe(value)
      out.append(Entry(path: path, kind: kind, valueJSON: json))
    }
  }

  /// Python's `str(key)` for a dict key (`0` for an int key, the text for a str).
  public static func keyString(_ key: PickleValue) -> String { key.pythonStr }

  /// The Python type name and JSON value of a non-tensor leaf.
  static func describe(_ value: PickleValue) -> (kind: String, json: String) {
    switch value.unshared {
    case .none: return ("NoneType", "null")
    case .bool(let b): return ("bool", b ? "true" : "false")
    case .int(let i): return ("int", String(i))
    case .bigInt(let b): return ("int", PythonRepr.int(twosComplementLittleEndian: b.bytes))
    case .float(let d):
      return ("float", d.isFinite ? Scalar.pythonRepr(d) : JSONText.string(Scalar.pythonRepr(d)))
    case .string(let s): return ("str", JSONText.string(s))
    case .bytes(let b):
      return (
        "bytes", JSONText.string(b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
      )
    case .set(let items):
      return ("set", JSONText.array(items.map(\.pythonRepr).sorted().map(JSONText.string)))
    case .frozenSet(let items):
      return ("frozenset", JSONText.array(items.map(\.pythonRepr).sorted().map(JSONText.string)))
    case .global(let module, let name) where module == "torch" && DType(pytorchName: name) != nil:
      return ("dtype", JSONText.string("torch.\(name)"))
    case .reduce(let callable, let args):
      if case .global("torch", "device") = callable.unshared, case .tuple(let a) = args.unshared {
        let parts = a.map(\.pythonStr)
        return ("device", JSONText.string(parts.joined(separator: ":")))
      }
      if case .global("torch", "Size") = callable.unshared, case .tuple(let a) = args.unshared,
        case .tuple(let dims)? = a.first?.unshared
      {
        return ("Size", JSONText.array(dims.map(\.pythonStr)))
      }
      return ("object", JSONText.string(value.pythonRepr))
    case .object(let o): return (o.name, JSONText.string(value.pythonRepr))
    default: return ("object", JSONText.string(value.pythonRepr))
    }
  }
}
