public import ReproTensor

/// Writes a `PickleValue` tree as the `data.pkl` that `torch.save` writes: protocol 2, the
/// opcodes of CPython's C pickler, its memo numbering and `BINPUT` use, batches of 1000 for
/// `APPENDS`/`SETITEMS` (with the C pickler's quirks), `OrderedDict` state dicts with
/// `_metadata`, `_rebuild_tensor_v2` / `_rebuild_parameter` calls and persistent ids
/// `('storage', torch.FloatStorage, '0', 'cpu', numel)` with storage keys numbered in the order
/// first met.
///
/// Identity. CPython's pickler memoizes by object identity. Containers, tensors and objects
/// are written once and `BINGET` afterwards only when the tree holds the *same*
/// `PickleShared` instance at both places; storages are shared when they are the same
/// `Storage` object. Strings follow the value rule that reproduces CPython's identity for the
/// strings PyTorch builds (spec b.4): `''`, one latin-1 character and `[A-Za-z0-9_]+` are
/// shared; other strings are written again each time; storage keys are one string per
/// storage; `_metadata` keys are shared only up to one character; `cuda:N` locations and the
/// digit keys of a module's `_modules` dict are never shared.
///
/// ```swift
/// let pickled = try Pickler.pickle(.orderedDict([PicklePair(.string("w"), .tensor(t))], attributes: []))
/// pickled.bytes      // data.pkl
/// pickled.storages   // the storages to write as data/0, data/1, ...
/// ```
public struct Pickler {
  /// Writer options.
  public struct Options: Sendable {
    /// Write a `cuda:N` location once and `BINGET` it afterwards, as files produced by a
    /// patched `location_tag` do (the 2.15 corpus' `seq_mlp_cuda_tagged.pt`); real torch.save
    /// writes it again for every storage.
    public var memoizesDeviceLocations: Bool

    /// Creates options (defaults: what torch.save does).
    public init(memoizesDeviceLocations: Bool = false) {
      self.memoizesDeviceLocations = memoizesDeviceLocations
    }
  }

  /// The pickle and the storages it references.
  public struct Output: Sendable {
    /// The pickle bytes, from `PROTO 2` to `STOP`.
    public var bytes: [UInt8]
    /// The distinct storages in key order: `storages[i]` is the record `data/i`.
    public var storages: [Storage]
  }

  /// Pickles `value` as torch.save does.
  ///
  /// - Throws: `FormatError.Code.invalidArgument` for values torch.save cannot write (two
  ///   tensors viewing one storage as different dtypes, a storage whose size is not a multiple
  ///   of its element size, a bare storage value).
  public static func pickle(_ value: PickleValue, options: Options = Options()) throws(FormatError)
    -> Output
  {
    var p = Pickler(options: options)
    try p.save(value, strings: .byValue)
    p.out.append(0x2E)  // STOP
    return Output(bytes: p.out, storages: p.storageOrder)
  }

  // MARK: state

  enum MemoKey: Hashable {
    case string(String)
    case global(String, String)
    case object(ObjectIdentifier)
  }

  /// How strings at one place of the tree map to Python object identity.
  enum StringIdentity {
    /// The value rule (`''`, one latin-1 char, `[A-Za-z0-9_]+` shared).
    case byValue
    /// `_metadata` keys: shared only when at most one character.
    case metadataKey
    /// `_modules` keys: digit-only keys are fresh, others by value.
    case moduleChild
  }

  private let options: Options
  private var out: [UInt8] = [0x80, 0x02]
  private var memo: [MemoKey: Int] = [:]
  private var memoCount = 0
  private var storageKeys: [ObjectIdentifier: (key: String, memoIndex: Int?, dtype: DType)] = [:]
  private var storageOrder: [Storage] = []
  /// How many times each shared node is being written right now (cycles, see `save`).
  private var inProgress: [MemoKey: Int] = [:]

  private init(options: Options) { self.options = options }

  // MARK: memo

  @discardableResult
  private mutating func put(_ key: MemoKey? = nil) -> Int {
    let idx = memoCount
    memoCount += 1
    if let key { memo[key] = idx }
    if idx < 256 {
      out += [0x71, UInt8(idx)]  // BINPUT
    } else {
      out.append(0x72)  // LONG_BINPUT
      appendUInt32(UInt32(idx))
    }
    return idx
  }

  private mutating func get(_ idx: Int) {
    if idx < 256 {
      out += [0x68, UInt8(idx)]  // BINGET
    } else {
      out.append(0x6A)  // LONG_BINGET
      appendUInt32(UInt32(idx))
    }
  }

  private mutating func appendUInt32(_ v: UInt32) {
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) }
  }

  // MARK: atoms

  private mutating func saveInt(_ v: Int64) {
    if v >= 0 && v < 256 {
      out += [0x4B, UInt8(v)]  // BININT1
    } else if v >= 0 && v < 65536 {
      out += [0x4D, UInt8(v & 0xFF), UInt8(v >> 8)]  // BININT2
    } else if v >= Int64(Int32.min) && v <= Int64(Int32.max) {
      out.append(0x4A)  // BININT
      appendUInt32(UInt32(bitPattern: Int32(v)))
    } else {
      var bytes: [UInt8] = []
      for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * Int64(k)))) }
      saveLong(PickleBigInt(twosComplement: bytes).bytes)
    }
  }

  private mutating func saveLong(_ bytes: [UInt8]) {
    if bytes.count < 256 {
      out += [0x8A, UInt8(bytes.count)]  // LONG1
    } else {
      out.append(0x8B)  // LONG4
      appendUInt32(UInt32(bytes.count))
    }
    out += bytes
  }

  static func isSharedByValue(_ s: String) -> Bool {
    let scalars = s.unicodeScalars
    if scalars.count <= 1 { return scalars.first.map { $0.value < 256 } ?? true }
    return scalars.allSatisfy {
      $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
    }
  }

  private mutating func saveString(_ s: String, shared: Bool) {
    if shared, let idx = memo[.string(s)] {
      get(idx)
      return
    }
    writeString(s)
    put(shared ? .string(s) : nil)
  }

  private mutating func writeString(_ s: String) {
    let utf8 = Array(s.utf8)
    out.append(0x58)  // BINUNICODE
    appendUInt32(UInt32(utf8.count))
    out += utf8
  }

  private mutating func saveString(_ s: String, identity: StringIdentity) {
    switch identity {
    case .byValue: saveString(s, shared: Pickler.isSharedByValue(s))
    case .metadataKey:
      saveString(s, shared: s.unicodeScalars.count <= 1 && Pickler.isSharedByValue(s))
    case .moduleChild:
      let digits = !s.isEmpty && s.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
      saveString(s, shared: !digits && Pickler.isSharedByValue(s))
    }
  }

  private mutating func saveGlobal(_ module: String, _ name: String) {
    if let idx = memo[.global(module, name)] {
      get(idx)
      return
    }
    let written = PythonTwoNames.written(module: module, name: name)
    out.append(0x63)  // GLOBAL
    out += Array(written.module.utf8) + [0x0A] + Array(written.name.utf8) + [0x0A]
    put(.global(module, name))
  }

  // MARK: dispatch

  /// Registers the memo index of a shared container as soon as the container itself is
  /// memoized (before its items), as CPython does: an item that refers back to it (a cycle) is
  /// then written as a `BINGET`.
  private mutating func claim(_ identity: MemoKey?, _ idx: Int) {
    if let identity { memo[identity] = idx }
  }

  /// Writes `value`; returns the memo index of the object written, if it was memoized.
  ///
  /// `identity` is the memo key of the `.shared` node whose value this is.
  @discardableResult
  private mutating func save(
    _ value: PickleValue, strings: StringIdentity, identity: MemoKey? = nil
  ) throws(FormatError) -> Int? {
    switch value {
    case .none: out.append(0x4E)
    case .bool(let b): out.append(b ? 0x88 : 0x89)
    case .int(let v): saveInt(v)
    case .bigInt(let b): saveLong(b.bytes)
    case .float(let d):
      out.append(0x47)  // BINFLOAT, big-endian
      let bits = d.bitPattern
      for k in stride(from: 56, through: 0, by: -8) {
        out.append(UInt8(truncatingIfNeeded: bits >> UInt64(k)))
      }
    case .string(let s): saveString(s, identity: strings)
    case .bytes(let b): return saveBytes(b)
    case .tuple(let items): return try saveTuple(items, identity: identity)
    case .list(let items):
      out.append(0x5D)  // EMPTY_LIST
      let idx = put()
      claim(identity, idx)
      try batchList(items)
      return idx
    case .set(let items), .frozenSet(let items):
      if case .set = value {
        saveGlobal("builtins", "set")
      } else {
        saveGlobal("builtins", "frozenset")
      }
      out.append(0x5D)
      put()
      try batchList(items)
      out.append(0x85)  // TUPLE1
      put()
      out.append(0x52)  // REDUCE
      return put()
    case .dict(let pairs):
      return try saveDict(pairs, keys: .byValue, modulesDict: false, identity: identity)
    case .orderedDict(let pairs, let attributes):
      return try saveOrderedDict(
        pairs, attributes: attributes, keys: strings == .metadataKey ? .metadataKey : .byValue,
        identity: identity)
    case .global(let m, let n): saveGlobal(m, n)
    case .reduce(let callable, let args):
      try save(callable, strings: .byValue)
      try save(args, strings: .byValue)
      out.append(0x52)
      return put()
    case .build(let object, let state):
      let idx = try save(object, strings: .byValue)
      if let idx { claim(identity, idx) }
      try save(state, strings: .byValue)
      out.append(0x62)  // BUILD
      return idx
    case .persistentID(let pid):
      try save(pid, strings: .byValue)
      out.append(0x51)  // BINPERSID
    case .object(let o): return try saveObject(o, identity: identity)
    case .storage(let s):
      throw FormatError(
        .invalidArgument, "cannot pickle a bare storage (key \(s.key)); wrap it in a tensor")
    case .tensor(let t): return try saveTensor(t)
    case .parameter(let t): return try saveParameter(t)
    case .shared(let box):
      let key = MemoKey.object(ObjectIdentifier(box))
      if let idx = memo[key] {
        get(idx)
        return idx
      }
      // A node met again before it is memoized: legal only for a tuple, once (CPython writes a
      // recursive tuple again inside itself); anything else (a set that contains itself, which
      // only a hand-made pickle can hold) would recurse forever.
      let entered = inProgress[key, default: 0]
      if entered > 0 {
        guard case .tuple = box.value, entered == 1 else {
          throw FormatError(
            .invalidArgument,
            "cannot pickle a reference cycle through \(box.value.typeName): Python's pickler can only write cycles through lists, dicts, objects and tuples"
          )
        }
      }
      inProgress[key] = entered + 1
      defer { inProgress[key] = entered }
      let idx = try save(box.value, strings: strings, identity: key)
      if let idx { memo[key] = idx }
      return idx
    case .backReference(let ref):
      guard let target = ref.target else {
        throw FormatError(
          .invalidArgument,
          "cannot pickle a reference cycle whose container no longer exists (a subtree kept after its root was released)"
        )
      }
      // Met before the target is memoized only through a tuple (CPython then writes the tuple
      // again inside itself and `saveTuple` pops the outer copy); otherwise this is a BINGET.
      return try save(.shared(target), strings: strings)
    }
    return nil
  }

  private mutating func saveBytes(_ b: [UInt8]) -> Int {
    if b.isEmpty {
      saveGlobal("builtins", "bytes")
      out += [0x29, 0x52]  // EMPTY_TUPLE REDUCE
    } else {
      saveGlobal("_codecs", "encode")
      var latin1 = String.UnicodeScalarView()
      for c in b { latin1.append(Unicode.Scalar(c)) }
      // `str(b, 'latin1')` of one byte is CPython's cached one-character string.
      saveString(String(latin1), shared: b.count == 1)
      saveString("latin1", shared: true)
      out.append(0x86)  // TUPLE2
      put()
      out.append(0x52)
    }
    return put()
  }

  private mutating func saveTuple(_ items: [PickleValue], identity: MemoKey? = nil)
    throws(FormatError) -> Int?
  {
    if items.isEmpty {
      out.append(0x29)  // EMPTY_TUPLE, never memoized
      return nil
    }
    if items.count <= 3 {
      for x in items { try save(x, strings: .byValue) }
      if let identity, let idx = memo[identity] {
        // A recursive tuple was written inside its own items: drop this copy (CPython's save_tuple).
        out += [UInt8](repeating: 0x30, count: items.count)  // POP
        get(idx)
        return idx
      }
      out.append(0x84 + UInt8(items.count))  // TUPLE1/2/3
    } else {
      out.append(0x28)  // MARK
      for x in items { try save(x, strings: .byValue) }
      if let identity, let idx = memo[identity] {
        out.append(0x31)  // POP_MARK
        get(idx)
        return idx
      }
      out.append(0x74)  // TUPLE
    }
    return put()
  }

  private mutating func batchList(_ items: [PickleValue]) throws(FormatError) {
    if items.isEmpty { return }
    if items.count == 1 {
      try save(items[0], strings: .byValue)
      out.append(0x61)  // APPEND
      return
    }
    var start = 0
    while start < items.count {
      let end = min(start + 1000, items.count)
      out.append(0x28)
      for x in items[start..<end] { try save(x, strings: .byValue) }
      out.append(0x65)  // APPENDS
      start = end
    }
  }

  @discardableResult
  private mutating func saveDict(
    _ pairs: [PicklePair], keys: StringIdentity, modulesDict: Bool, identity: MemoKey? = nil
  ) throws(FormatError) -> Int {
    out.append(0x7D)  // EMPTY_DICT
    let idx = put()
    claim(identity, idx)
    try batchDictExact(pairs, keys: keys, modulesDict: modulesDict)
    return idx
  }

  private mutating func saveItem(_ pair: PicklePair, keys: StringIdentity, modulesDict: Bool)
    throws(FormatError)
  {
    try save(pair.key, strings: keys)
    if modulesDict, pair.key.string == "_modules", case .dict(let children) = pair.value.unshared,
      case .dict = pair.value
    {
      try saveDict(children, keys: .moduleChild, modulesDict: false)
    } else {
      try save(pair.value, strings: .byValue)
    }
  }

  /// CPython `batch_dict_exact`: one pair is SETITEM; otherwise MARK … SETITEMS per 1000 and,
  /// quirk, an empty `MARK SETITEMS` when the count is a multiple of 1000.
  private mutating func batchDictExact(
    _ pairs: [PicklePair], keys: StringIdentity, modulesDict: Bool
  ) throws(FormatError) {
    if pairs.isEmpty { return }
    if pairs.count == 1 {
      try saveItem(pairs[0], keys: keys, modulesDict: modulesDict)
      out.append(0x73)  // SETITEM
      return
    }
    var start = 0
    while true {
      let end = min(start + 1000, pairs.count)
      out.append(0x28)
      for p in pairs[start..<end] { try saveItem(p, keys: keys, modulesDict: modulesDict) }
      out.append(0x75)  // SETITEMS
      let n = end - start
      start = end
      if n != 1000 { break }
    }
  }

  /// OrderedDict through `__reduce__`: CPython's iterator `batch_dict`, where a last batch of
  /// exactly one pair is `SETITEM` without MARK; then `BUILD` with the attributes, if any.
  private mutating func saveOrderedDict(
    _ pairs: [PicklePair], attributes: [PicklePair], keys: StringIdentity, identity: MemoKey?
  ) throws(FormatError) -> Int {
    saveGlobal("collections", "OrderedDict")
    out += [0x29, 0x52]  // EMPTY_TUPLE REDUCE
    let idx = put()
    claim(identity, idx)
    var start = 0
    while start < pairs.count {
      if start + 1 == pairs.count {
        try save(pairs[start].key, strings: keys)
        try save(pairs[start].value, strings: .byValue)
        out.append(0x73)
        break
      }
      let end = min(start + 1000, pairs.count)
      out.append(0x28)
      for p in pairs[start..<end] {
        try save(p.key, strings: keys)
        try save(p.value, strings: .byValue)
      }
      out.append(0x75)
      start = end
    }
    if !attributes.isEmpty {
      out.append(0x7D)
      put()
      // vars(od): `_metadata` holds an OrderedDict keyed by module paths.
      var rest = attributes[...]
      func one(_ p: PicklePair, _ pk: inout Pickler) throws(FormatError) {
        try pk.save(p.key, strings: .byValue)
        try pk.save(p.value, strings: p.key.string == "_metadata" ? .metadataKey : .byValue)
      }
      if attributes.count == 1 {
        try one(attributes[0], &self)
        out.append(0x73)
      } else {
        while true {
          let batch = rest.prefix(1000)
          out.append(0x28)
          for p in batch { try one(p, &self) }
          out.append(0x75)
          rest = rest.dropFirst(batch.count)
          if batch.count != 1000 { break }
        }
      }
      out.append(0x62)  // BUILD
    }
    return idx
  }

  private mutating func saveObject(_ o: PickleObject, identity: MemoKey?) throws(FormatError)
    -> Int
  {
    saveGlobal(o.module, o.name)
    if o.module == "numpy", o.name == "dtype", case .tuple(let a) = o.args, a.count == 3,
      case .string(let code) = a[0]
    {
      // numpy.dtype.__reduce__ formats its type code ('f8') afresh on every call.
      saveString(code, shared: false)
      try save(a[1], strings: .byValue)
      try save(a[2], strings: .byValue)
      out.append(0x87)  // TUPLE3
      put()
    } else {
      try save(o.args, strings: .byValue)
    }
    out.append(o.creation == .newObject ? 0x81 : 0x52)  // NEWOBJ / REDUCE
    let idx = put()
    claim(identity, idx)
    if let state = o.state {
      if case .dict(let pairs) = state {
        try saveDict(pairs, keys: .byValue, modulesDict: true)
      } else {
        try save(state, strings: .byValue)
      }
      out.append(0x62)
    }
    return idx
  }

  // MARK: tensors

  private mutating func newOrderedDict() {
    saveGlobal("collections", "OrderedDict")
    out += [0x29, 0x52]
    put()
  }

  /// Writes the persistent id of `t`'s storage.
  ///
  /// The classic dtypes name their typed storage
  /// class (`torch.FloatStorage`, element count in the dtype's elements); the dtypes of
  /// `DType.usesUntypedStorage` name `torch.storage.UntypedStorage` with the byte count, and
  /// count as uint8 when torch checks that views of one storage share a dtype.
  private mutating func saveStoragePID(_ t: Tensor) throws(FormatError) {
    let id = ObjectIdentifier(t.storage)
    let storageDType: DType = t.dtype.usesUntypedStorage ? .uint8 : t.dtype
    var entry: (key: String, memoIndex: Int?, dtype: DType)
    if let e = storageKeys[id] {
      guard e.dtype == storageDType else {
        throw FormatError(
          .invalidArgument,
          "Cannot save multiple tensors or storages that view the same data as different types (\(e.dtype.pytorchName) and \(storageDType.pytorchName), storage key \(e.key))"
        )
      }
      entry = e
    } else {
      guard t.storage.byteCount % storageDType.elementSize == 0 else {
        throw FormatError(
          .invalidArgument,
          "storage of \(t.storage.byteCount) bytes is not a whole number of \(t.dtype.pytorchName) elements"
        )
      }
      entry = (String(storageKeys.count), nil, storageDType)
      storageOrder.append(t.storage)
    }
    out.append(0x28)  // MARK
    saveString("storage", shared: true)
    if t.dtype.usesUntypedStorage {
      saveGlobal("torch.storage", "UntypedStorage")
    } else {
      saveGlobal("torch", t.dtype.storageClassName)
    }
    if let idx = entry.memoIndex {
      get(idx)
    } else {
      writeString(entry.key)
      entry.memoIndex = put()
    }
    storageKeys[id] = entry
    let location = t.device.description
    saveString(location, shared: !location.contains(":") || options.memoizesDeviceLocations)
    saveInt(Int64(t.storage.byteCount / storageDType.elementSize))
    out.append(0x74)  // TUPLE
    put()
    out.append(0x51)  // BINPERSID
  }

  private mutating func saveTensor(_ t: Tensor, requiresGrad: Bool? = nil) throws(FormatError)
    -> Int
  {
    // torch 2.13's Tensor.__reduce_ex__: `_rebuild_tensor_v3(..., dtype)` for the dtypes it
    // stores untyped, `_rebuild_tensor_v2` for the others.
    let untyped = t.dtype.usesUntypedStorage
    saveGlobal("torch._utils", untyped ? "_rebuild_tensor_v3" : "_rebuild_tensor_v2")
    out.append(0x28)
    try saveStoragePID(t)
    saveInt(Int64(t.storageOffset))
    _ = try saveTuple(t.shape.map { .int(Int64($0)) })
    _ = try saveTuple(t.strides.map { .int(Int64($0)) })
    out.append((requiresGrad ?? t.requiresGrad) ? 0x88 : 0x89)
    newOrderedDict()  // backward_hooks
    if untyped { saveGlobal("torch", t.dtype.pytorchName) }
    out.append(0x74)
    put()
    out.append(0x52)
    return put()
  }

  private mutating func saveParameter(_ t: Tensor) throws(FormatError) -> Int {
    saveGlobal("torch._utils", "_rebuild_parameter")
    _ = try saveTensor(t, requiresGrad: false)  // param.data
    out.append(t.requiresGrad ? 0x88 : 0x89)
    newOrderedDict()
    out.append(0x87)  // TUPLE3
    put()
    out.append(0x52)
    return put()
  }
}
