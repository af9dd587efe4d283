/// The globals that `torch.load(weights_only=True)` accepts (PyTorch 2.13's
/// `torch._weights_only_unpickler._get_allowed_globals()`, 144 names), with the Python 2 name
/// mapping it applies first and the modules it blocks outright.
///
/// Nothing here is executed: an allowed global becomes a `PickleValue.global` that the
/// unpickler or `TorchFile` interprets by name.
public enum WeightsOnlyPolicy {
  /// The 144 fully qualified names (`torch._utils._rebuild_tensor_v2`) torch 2.13 allows.
  public static let allowedGlobals: Set<String> = makeAllowedGlobals()

  /// Modules refused even if a name in them were allowlisted.
  public static let blockedModules: Set<String> = ["sys", "os", "posix", "nt"]

  /// The dtypes torch names as globals (`torch.float32`), including those ReproTensor lacks.
  public static let dtypeNames: [String] =
    [
      "float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
      "bool", "complex128", "complex64", "complex32", "qint8", "qint32", "quint8", "quint4x2",
      "quint2x4", "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz",
      "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bits8", "bits16", "bits1x8",
      "bits2x4", "bits4x2",
    ] + (1...7).map { "uint\($0)" } + (1...7).map { "int\($0)" }

  /// Maps a `GLOBAL` name the way Python 3's unpickler does with `fix_imports` (`__builtin__`
  /// becomes `builtins`, `copy_reg.x` becomes `copyreg.x`, …).
  public static func mapPython2Name(module: String, name: String) -> (module: String, name: String)
  {
    if let m = nameMapping["\(module).\(name)"] { return m }
    if let m = importMapping[module] { return (m, name) }
    return (module, name)
  }

  /// Why torch's weights-only unpickler refuses `module.name`, with torch's wording, or nil if
  /// it accepts it.
  ///
  /// The name must already be mapped by `mapPython2Name`.
  public static func refusal(module: String, name: String) -> String? {
    let full = "\(module).\(name)"
    if blockedModules.contains(module) {
      return "Trying to load unsupported GLOBAL \(full) whose module \(module) is blocked."
    }
    if allowedGlobals.contains(full) { return nil }
    let shown = full.hasPrefix("builtins.") ? String(full.dropFirst("builtins.".count)) : full
    return
      "Unsupported global: GLOBAL \(shown) was not an allowed global by default. Please use `torch.serialization.add_safe_globals([\(shown)])` or the `torch.serialization.safe_globals([\(shown)])` context manager to allowlist this global if you trust this class/function."
  }

  /// Whether `module.name` is a dtype object (`torch.float32`): allowed, but not callable.
  static func isDType(module: String, name: String) -> Bool {
    module == "torch" && dtypeNames.contains(name)
  }

  /// Whether `module.name` is a storage class (`torch.FloatStorage`, `torch.storage.UntypedStorage`).
  static func isStorageClass(module: String, name: String) -> Bool {
    (module == "torch" || module == "torch.cuda") && name.hasSuffix("Storage")
      || (module == "torch.storage" && (name == "UntypedStorage" || name == "TypedStorage"))
  }

  private static let nameMapping: [String: (module: String, name: String)] = [
    "__builtin__.xrange": ("builtins", "range"), "__builtin__.reduce": ("functools", "reduce"),
    "__builtin__.intern": ("sys", "intern"), "__builtin__.unichr": ("builtins", "chr"),
    "__builtin__.unicode": ("builtins", "str"), "__builtin__.long": ("builtins", "int"),
    "itertools.izip": ("builtins", "zip"), "itertools.imap": ("builtins", "map"),
    "itertools.ifilter": ("builtins", "filter"),
    "itertools.ifilterfalse": ("itertools", "filterfalse"),
    "itertools.izip_longest": ("itertools", "zip_longest"),
    "UserDict.IterableUserDict": ("collections", "UserDict"),
    "UserList.UserList": ("collections", "UserList"),
    "UserString.UserString": ("collections", "UserString"),
    "__builtin__.basestring": ("builtins", "str"),
    "exceptions.StandardError": ("builtins", "Exception"),
    "UserDict.UserDict": ("collections", "UserDict"),
  ]

  private static let importMapping: [String: String] = [
    "__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue", "repr": "reprlib",
    "_abcoll": "collections.abc", "UserDict": "collections", "UserList": "collections",
    "UserString": "collections", "whichdb": "dbm", "StringIO": "io", "cStringIO": "io",
  ]

  private static func makeAllowedGlobals() -> Set<String> {
    var names: Set<String> = [
      "collections.OrderedDict", "collections.Counter", "torch.nn.parameter.Parameter",
      "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
      "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.complex",
      "torch._tensor._rebuild_from_type_v2",
    ]
    for d in dtypeNames { names.insert("torch.\(d)") }
    let kinds = [
      "Double", "Float", "Half", "Long", "Int", "Short", "Char", "Byte", "Bool", "BFloat16",
    ]
    for prefix in ["torch.", "torch.cuda."] {
      for k in kinds {
        names.insert("\(prefix)\(k)Tensor")
        names.insert("\(prefix)\(k)Storage")
      }
      names.insert("\(prefix)ComplexFloatStorage")
      names.insert("\(prefix)ComplexDoubleStorage")
    }
    for k in kinds where k != "Bool" {
      names.insert("torch.sparse.\(k)Tensor")
      names.insert("torch.cuda.sparse.\(k)Tensor")
    }
    for s in ["QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4"] {
      names.insert("torch.\(s)Storage")
    }
    names.insert("torch.storage.TypedStorage")
    names.insert("torch.storage.UntypedStorage")
    for q in [
      "per_tensor_affine", "per_tensor_symmetric", "per_channel_affine", "per_channel_symmetric",
      "per_channel_affine_float_qparams",
    ] {
      names.insert("torch.\(q)")
    }
    for f in [
      "_rebuild_parameter", "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_tensor",
      "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_sparse_tensor",
      "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor", "_rebuild_wrapper_subclass",
      "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor",
    ] {
      names.insert("torch._utils.\(f)")
    }
    return names
  }
}
