public import ReproTensor

/// A value read from (or to be written to) a Python pickle, as PyTorch files use them.
///
/// The tree has two layers in one type. The *raw* layer is what the pickle says, without
/// executing anything: scalars, containers, `global` references, `reduce` calls, `build`
/// steps, persistent ids and opaque objects. The *resolved* layer, produced by `TorchFile`,
/// replaces tensor rebuild calls by `.tensor` / `.parameter` leaves and persistent ids by
/// `.storage`. `Pickler` writes both layers.
///
/// Identity: a pickle can reference one object from several places (a memo `BINGET`). Such
/// containers, tensors and objects come back wrapped in `.shared(PickleShared)`; every place
/// holds the same `PickleShared` instance. The pickler writes a shared node once and `BINGET`s it
/// afterwards, which is how torch.save writes a tensor placed twice in a dict or the `betas`
/// tuple shared by several Adam parameter groups. Strings are never wrapped: their identity is
/// derived from their value by the pickler's string policy (see `Pickler`).
///
/// Cycles: a container that contains itself (`d["self"] = d`, a list appended to itself, the
/// parent pointers of an omegaconf config) is a `.shared` node, and the place inside it that
/// points back is a `.backReference` to that node. A back-reference holds its target weakly, so
/// a value graph is freed like a tree; walkers never follow back-references, so every walk ends.
///
/// ```swift
/// let loaded = try TorchFile.load(contentsOf: url)
/// let w = loaded.root["model_state_dict"]?["fc.weight"]?.tensor   // Tensor?
/// ```
public indirect enum PickleValue: Sendable {
  /// Python `None`.
  case none
  /// A Python `bool`.
  case bool(Bool)
  /// A Python `int` that fits in 64 bits.
  case int(Int64)
  /// A Python `int` outside the 64-bit range.
  case bigInt(PickleBigInt)
  /// A Python `float` (bit pattern preserved, NaN payloads included).
  case float(Double)
  /// A Python `str`.
  case string(String)
  /// Python `bytes` (or `bytearray`).
  case bytes([UInt8])
  /// A Python `tuple`.
  case tuple([PickleValue])
  /// A Python `list`.
  case list([PickleValue])
  /// A Python `set`.
  case set([PickleValue])
  /// A Python `frozenset`.
  case frozenSet([PickleValue])
  /// An exact Python `dict`, in insertion order.
  case dict([PicklePair])
  /// A `collections.OrderedDict` plus its instance attributes (a state dict's `_metadata`).
  case orderedDict([PicklePair], attributes: [PicklePair])
  /// A reference to a module-level Python object (`GLOBAL module name`), never imported.
  case global(module: String, name: String)
  /// A call `callable(*args)` that was not interpreted (`REDUCE`).
  case reduce(callable: PickleValue, args: PickleValue)
  /// A `BUILD` step applying `state` to an object that was not interpreted.
  case build(PickleValue, state: PickleValue)
  /// A persistent id (`BINPERSID`) that was not resolved.
  case persistentID(PickleValue)
  /// An instance of a class that is not executed (whole-model files): see `PickleObject`.
  case object(PickleObject)
  /// A storage resolved from a persistent id.
  case storage(TypedStorage)
  /// A tensor (`torch._utils._rebuild_tensor_v2` and friends).
  case tensor(Tensor)
  /// An `nn.Parameter`; the tensor's `requiresGrad` is the parameter's `requires_grad`.
  case parameter(Tensor)
  /// A node referenced from several places of the pickle (see the type's discussion).
  case shared(PickleShared)
  /// A reference to a `.shared` node that encloses this place: a reference cycle.
  case backReference(PickleBackReference)
}

/// One key/value pair of a pickled dict, in insertion order.
public struct PicklePair: Sendable {
  /// The key.
  public var key: PickleValue
  /// The value.
  public var value: PickleValue

  /// Creates a pair.
  public init(_ key: PickleValue, _ value: PickleValue) {
    self.key = key
    self.value = value
  }
}

/// A node with identity: several places of a tree hold the same instance.
///
/// Sendable invariant: `value` is immutable.
public final class PickleShared: Sendable {
  /// The shared value.
  public let value: PickleValue

  /// Wraps `value` so that it can be placed in several places of a tree and written once.
  public init(_ value: PickleValue) { self.value = value }
}

/// The place of a reference cycle: a pointer back to a `.shared` node that encloses it.
///
/// The target is held weakly (the enclosing node owns the place, not the other way round), so
/// a graph with cycles is freed when its root is. A back-reference whose target was freed (a
/// subtree kept after its root was dropped) has a nil `target`.
///
/// Sendable invariant: `target` is written once, by whoever builds the graph (the unpickler or a
/// transformation), before the graph is handed out; afterwards it is only read.
public final class PickleBackReference: @unchecked Sendable {
  /// The enclosing shared node, or nil if it no longer exists.
  public private(set) weak var target: PickleShared?

  /// Creates a back-reference to `target`; nil leaves it to be set by `point(to:)`.
  public init(to target: PickleShared? = nil) { self.target = target }

  /// Sets the target once, while the graph is being built.
  func point(to target: PickleShared) { self.target = target }
}

/// An instance of a Python class that Repro does not execute: whole-model files
/// (`torch.save(model)`) and anything outside the weights-only allowlist when opaque objects
/// are allowed.
public struct PickleObject: Sendable {
  /// How the pickle created the instance.
  public enum Creation: Sendable, Hashable {
    /// `cls.__new__(cls, *args)` (`NEWOBJ`, `NEWOBJ_EX`): how modules are pickled.
    case newObject
    /// `cls(*args)` (`REDUCE`, `INST`, `OBJ`).
    case call
  }

  /// The Python module of the class (`torch.nn.modules.linear`).
  public var module: String
  /// The class name (`Linear`).
  public var name: String
  /// The constructor arguments (a tuple).
  public var args: PickleValue
  /// The state given by `BUILD` (a module's `__dict__`), if any.
  public var state: PickleValue?
  /// How the instance was created.
  public var creation: Creation

  /// Creates an opaque object description.
  public init(
    module: String, name: String, args: PickleValue = .tuple([]), state: PickleValue? = nil,
    creation: Creation = .newObject
  ) {
    self.module = module
    self.name = name
    self.args = args
    self.state = state
    self.creation = creation
  }

  /// `module.name`.
  public var qualifiedName: String { "\(module).\(name)" }
}

/// A storage resolved from a persistent id: bytes, the dtype its storage class names, the
/// device tag after map location, and the key it had in the file (`data/<key>`).
public struct TypedStorage: Sendable {
  /// The bytes, shared by every tensor that views them.
  public var storage: Storage
  /// The dtype given by the storage class (`FloatStorage` is float32).
  public var dtype: DType
  /// Where the storage lives after map location.
  public var device: Device
  /// The key in the file (`"0"`); the record is `data/<key>`.
  public var key: String

  /// Creates a typed storage.
  public init(storage: Storage, dtype: DType, device: Device, key: String) {
    self.storage = storage
    self.dtype = dtype
    self.device = device
    self.key = key
  }
}

/// A Python `int` of any size, as little-endian two's complement bytes (the `LONG1` encoding).
public struct PickleBigInt: Sendable, Hashable {
  /// Minimal little-endian two's complement bytes (at least one).
  public let bytes: [UInt8]

  /// Creates a big int from little-endian two's complement bytes, trimming redundant sign bytes.
  ///
  /// An empty array is zero.
  public init(twosComplement bytes: [UInt8]) {
    var b = bytes.isEmpty ? [0] : bytes
    while b.count > 1 {
      let last = b[b.count - 1]
      let prev = b[b.count - 2]
      if (last == 0 && prev & 0x80 == 0) || (last == 0xFF && prev & 0x80 != 0) {
        b.removeLast()
      } else {
        break
      }
    }
    self.bytes = b
  }

  /// Whether the value is negative.
  public var isNegative: Bool { bytes[bytes.count - 1] & 0x80 != 0 }

  /// The value as an `Int64`, or nil if it does not fit.
  public var int64: Int64? {
    guard bytes.count <= 8 else { return nil }
    var v: UInt64 = isNegative ? ~0 : 0
    for (i, b) in bytes.enumerated() {
      v &= ~(UInt64(0xFF) << (8 * UInt64(i)))
      v |= UInt64(b) << (8 * UInt64(i))
    }
    return Int64(bitPattern: v)
  }
}

extension PickleValue {
  /// An integer value from any-size two's complement bytes: `.int` when it fits, else `.bigInt`.
  public static func integer(twosComplement bytes: [UInt8]) -> PickleValue {
    let big = PickleBigInt(twosComplement: bytes)
    if let v = big.int64 { return .int(v) }
    return .bigInt(big)
  }

  /// The value with any `.shared` wrapper removed.
  public var unshared: PickleValue {
    if case .shared(let s) = self { return s.value.unshared }
    return self
  }

  /// The string, if this is a `str`.
  public var string: String? {
    if case .string(let s) = unshared { return s }
    return nil
  }

  /// The integer, if this is an `int` that fits in 64 bits (bools are not ints here).
  public var int64: Int64? {
    if case .int(let v) = unshared { return v }
    return nil
  }

  /// The bool, if this is a `bool`.
  public var bool: Bool? {
    if case .bool(let v) = unshared { return v }
    return nil
  }

  /// The float, if this is a `float`.
  public var double: Double? {
    if case .float(let v) = unshared { return v }
    return nil
  }

  /// The tensor, if this is a tensor or a parameter.
  public var tensor: Tensor? {
    switch unshared {
    case .tensor(let t), .parameter(let t): t
    default: nil
    }
  }

  /// The elements, if this is a tuple or a list.
  public var elements: [PickleValue]? {
    switch unshared {
    case .tuple(let v), .list(let v): v
    default: nil
    }
  }

  /// The pairs, if this is a dict or an OrderedDict.
  public var pairs: [PicklePair]? {
    switch unshared {
    case .dict(let p), .orderedDict(let p, _): p
    default: nil
    }
  }

  /// The value stored under the string key `key` in a dict or OrderedDict (first match).
  public subscript(key: String) -> PickleValue? {
    pairs?.first(where: { $0.key.string == key })?.value
  }

  /// The value stored under the integer key `key` in a dict (optimizer state is keyed by ints).
  public subscript(intKey key: Int) -> PickleValue? {
    pairs?.first(where: { $0.key.int64 == Int64(key) })?.value
  }

  /// The element at `index` of a tuple or list.
  public subscript(index: Int) -> PickleValue? {
    guard let e = elements, e.indices.contains(index) else { return nil }
    return e[index]
  }

  /// The string-keyed tensors of a state dict (`OrderedDict[str, Tensor]`), in order; nil when
  /// this is not a dict or a key is not a string or a value is not a tensor.
  public var stateDict: [(key: String, tensor: Tensor)]? {
    guard let p = pairs else { return nil }
    var out: [(key: String, tensor: Tensor)] = []
    out.reserveCapacity(p.count)
    for pair in p {
      guard let k = pair.key.string, let t = pair.value.tensor else { return nil }
      out.append((k, t))
    }
    return out
  }

  /// A short name of the value's Python type, for error messages (`dict`, `tuple`, `Tensor`).
  public var typeName: String {
    switch self {
    case .none: "NoneType"
    case .bool: "bool"
    case .int, .bigInt: "int"
    case .float: "float"
    case .string: "str"
    case .bytes: "bytes"
    case .tuple: "tuple"
    case .list: "list"
    case .set: "set"
    case .frozenSet: "frozenset"
    case .dict: "dict"
    case .orderedDict: "collections.OrderedDict"
    case .global(let m, let n): "global \(m).\(n)"
    case .reduce: "reduce"
    case .build: "build"
    case .persistentID: "persistent id"
    case .object(let o): o.qualifiedName
    case .storage: "storage"
    case .tensor: "Tensor"
    case .parameter: "Parameter"
    case .shared(let s): s.value.typeName
    case .backReference(let r): r.target?.value.typeName ?? "cycle"
    }
  }
}

extension PickleBigInt: CustomStringConvertible {
  /// The value in decimal, as Python prints it.
  public var description: String {
    var magnitude = bytes
    if isNegative {  // two's complement negate
      var carry = 1
      for i in magnitude.indices {
        let v = Int(~magnitude[i]) + carry
        magnitude[i] = UInt8(truncatingIfNeeded: v)
        carry = v >> 8
      }
    }
    var digits: [UInt8] = []
    while magnitude.contains(where: { $0 != 0 }) {
      var rem = 0
      for i in magnitude.indices.reversed() {
        let v = rem << 8 | Int(magnitude[i])
        magnitude[i] = UInt8(v / 10)
        rem = v % 10
      }
      digits.append(UInt8(rem) + 0x30)
    }
    if digits.isEmpty { digits = [0x30] }
    return (isNegative ? "-" : "") + String(decoding: digits.reversed(), as: UTF8.self)
  }
}
