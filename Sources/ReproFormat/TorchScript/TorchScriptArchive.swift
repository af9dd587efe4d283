public import Foundation
public import ReproTensor

/// `torch.jit.save` archives read as their module's `state_dict()`, without running any of the
/// archive's code.
///
/// A TorchScript archive is a torch zip archive with `constants.pkl`, `code/` (the compiled
/// classes as source) and a `data.pkl` whose objects are `__torch__.` classes holding the
/// parameters, buffers and submodules as attributes. The reader unpickles `data.pkl` into opaque
/// objects (globals allowed: `__torch__.*`, `torch.jit._pickle.*` and the weights-only
/// allowlist), reads each module class's `__parameters__` and `__buffers__` declarations from
/// `code/`, and builds what `torch.jit.load(f).state_dict()` returns: for each module in
/// pre-order, its parameters then its buffers (in attribute order, `None` skipped), detached
/// (`requires_grad=False`), keys joined with `.`, with the `_metadata` torch records
/// (`{"version": 1}` per module).
///
/// ```swift
/// let ckpt = try TorchScriptArchive.load(contentsOf: URL(fileURLWithPath: "model_scripted.pt"))
/// ckpt.format   // .torchscript
/// ```
public enum TorchScriptArchive {
  /// Whether a file is a TorchScript archive: a zip whose folder holds `constants.pkl`.
  public static func isTorchScript(_ file: Storage) -> Bool {
    let head = unsafe file.withUnsafeBytes { unsafe Array($0.prefix(2)) }
    guard head == [0x50, 0x4B], let zip = try? ZipArchive(bytes: file),
      let first = zip.entries.first?.name, let slash = first.firstIndex(of: "/")
    else { return false }
    return zip.entry(named: first[..<slash] + "/constants.pkl") != nil
  }

  /// Loads a TorchScript archive as its module's state dict.
  ///
  /// - Parameters:
  ///   - url: the archive.
  ///   - mapLocation: where storages go; nil keeps the devices written in the archive.
  ///   - memoryMapped: tensors borrow the file's pages.
  /// - Throws: `FormatError` naming the record and attribute at fault.
  public static func load(
    contentsOf url: URL, mapLocation: MapLocation? = nil, memoryMapped: Bool = false
  ) throws(FormatError) -> Checkpoint {
    if !memoryMapped { try CheckpointFormat.checkStructure(ofFileAt: url, format: .torchscript) }
    let file = memoryMapped ? try MappedFile(contentsOf: url).storage : try ZipArchive.readFile(url)
    return try load(file: file, mapLocation: mapLocation, borrowsStorages: memoryMapped)
  }

  /// Loads a TorchScript archive held in a storage.
  ///
  /// - Parameters:
  ///   - file: the whole archive.
  ///   - mapLocation: where storages go; nil keeps the devices written in the archive.
  ///   - borrowsStorages: tensors borrow `file` instead of owning slices.
  /// - Throws: `FormatError` naming the record and attribute at fault.
  public static func load(
    file: Storage, mapLocation: MapLocation? = nil, borrowsStorages: Bool = false
  ) throws(FormatError) -> Checkpoint {
    let loaded = try TorchFile.loadZip(
      file: file, mapLocation: mapLocation, policy: .trusted, borrows: borrowsStorages,
      readsTorchScript: true)
    let folder = loaded.archiveName ?? "archive"
    let dataName = "\(folder)/data.pkl"
    try checkGlobals(in: loaded.root, context: dataName)
    let classes = try declaredClasses(in: TorchRecordReader(file: file), folder: folder)
    var walker = StateDictWalker(classes: classes, context: dataName)
    try walker.visit(loaded.root, prefix: "")
    let metadata = PickleValue.orderedDict(walker.metadata, attributes: [])
    return Checkpoint(
      format: .torchscript,
      root: .orderedDict(walker.pairs, attributes: [PicklePair(.string("_metadata"), metadata)]),
      weightsOnlyRefusal:
        "RuntimeError: Cannot use ``weights_only=True`` with TorchScript archives passed to ``torch.load``.",
      archiveName: folder)
  }

  /// Every module class declared under `code/`, by qualified name.
  static func declaredClasses(in zip: TorchRecordReader, folder: String) throws(FormatError)
    -> [String: TorchScriptClass]
  {
    let codePrefix = "\(folder)/code/"
    var classes: [String: TorchScriptClass] = [:]
    for entry in zip.entries where entry.name.hasPrefix(codePrefix) && entry.name.hasSuffix(".py") {
      let path = entry.name.dropFirst(codePrefix.count).dropLast(".py".count)
      let module = path.split(separator: "/").joined(separator: ".")
      let source = String(decoding: try zip.bytes(entry.name), as: UTF8.self)
      for c in try TorchScriptClass.parse(source: source, module: module, context: entry.name) {
        classes[c.qualifiedName] = c
      }
    }
    return classes
  }

  /// Refuses globals outside `__torch__.*`, `torch.jit._pickle.*` and the weights-only
  /// allowlist (nothing is called either way; this keeps the reader to TorchScript's own data).
  static func checkGlobals(
    in value: PickleValue, context: String,
    allowed: (String, String) -> Bool = { module, name in
      module == "__torch__" || module.hasPrefix("__torch__.") || module == "torch.jit._pickle"
        || WeightsOnlyPolicy.refusal(module: module, name: name) == nil
    }
  ) throws(FormatError) {
    func check(_ v: PickleValue) throws(FormatError) {
      try checkGlobals(in: v, context: context, allowed: allowed)
    }
    switch value {
    case .global(let module, let name):
      guard allowed(module, name) else {
        throw FormatError(
          .forbiddenGlobal,
          "\(context): global '\(module).\(name)' is not allowed here (only the format's own classes and the weights-only allowlist are)"
        )
      }
    case .object(let o):
      guard allowed(o.module, o.name) else {
        throw FormatError(
          .forbiddenGlobal,
          "\(context): global '\(o.qualifiedName)' is not allowed here (only the format's own classes and the weights-only allowlist are)"
        )
      }
      try check(o.args)
      if let s = o.state { try check(s) }
    case .tuple(let v), .list(let v), .set(let v), .frozenSet(let v):
      for x in v { try check(x) }
    case .dict(let p):
      for x in p {
        try check(x.key)
        try check(x.value)
      }
    case .orderedDict(let p, let a):
      for x in p + a {
        try check(x.key)
        try check(x.value)
      }
    case .reduce(let c, let a):
      try check(c)
      try check(a)
    case .build(let o, let s):
      try check(o)
      try check(s)
    case .persistentID(let p): try check(p)
    case .shared(let s): try check(s.value)
    case .none, .bool, .int, .bigInt, .float, .string, .bytes, .storage, .tensor, .parameter:
      break
    case .backReference:
      break  // points to an enclosing container, checked where it was reached first
    }
  }
}
