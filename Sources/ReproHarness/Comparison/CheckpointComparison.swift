public import ReproFormat
import ReproTensor

/// Compares two value trees (state dicts, training checkpoints, anything `Checkpoint.load`
/// returns) the way `assert_close` compares nested mappings and sequences: keys must match, every
/// tensor is compared with `TensorComparison`, other leaves must be equal.
///
/// ```swift
/// let diff = CheckpointComparison.compare(reloaded.root, golden.root, options: .bitwise,
///                                         golden: "Golden/mlp/state_dict.pt")
/// diff.missingKeys      // ["['fc.bias']"]
/// diff.failedTensors    // the tensors that differ, each with its message
/// ```
///
/// Items are named by their path in PyTorch's notation (`['state'][0]['exp_avg']`). In
/// `.bitwise` mode the order of dict keys must match too (a reordered state dict writes a
/// different file); in `.close` mode Python floats are compared with float64's default
/// tolerance, as `assert_close` does.
public struct CheckpointComparison: Sendable, Hashable, Codable {
  /// A difference that is not a tensor comparison: a key set, a length, a leaf value, a kind.
  public struct ValueMismatch: Sendable, Hashable, Codable {
    /// The path of the item (`['epoch']`).
    public var path: String
    /// What differs, in words ("3 != 4", "list of length 2 != list of length 3").
    public var description: String
  }

  /// Paths present in the golden but not in the actual tree.
  public var missingKeys: [String] = []
  /// Paths present in the actual tree but not in the golden.
  public var unexpectedKeys: [String] = []
  /// Differences other than tensors and key sets.
  public var valueMismatches: [ValueMismatch] = []
  /// Every tensor comparison, in the golden's order.
  public var tensors: [ComparisonResult] = []
  /// What the tree was compared with.
  public var golden: String?

  /// Whether nothing differs.
  public var passed: Bool {
    missingKeys.isEmpty && unexpectedKeys.isEmpty && valueMismatches.isEmpty
      && tensors.allSatisfy(\.passed)
  }

  /// The tensor comparisons that failed.
  public var failedTensors: [ComparisonResult] { tensors.filter { !$0.passed } }

  /// Compares an actual tree with a golden one.
  ///
  /// - Parameters:
  ///   - actual: the tree under test.
  ///   - expected: the golden tree.
  ///   - options: how tensors (and float leaves) are compared.
  ///   - golden: what `expected` came from, named in messages.
  public static func compare(
    _ actual: PickleValue, _ expected: PickleValue, options: ComparisonOptions = .close,
    golden: String? = nil
  ) -> CheckpointComparison {
    var result = CheckpointComparison(golden: golden)
    result.walk(actual.unshared, expected.unshared, path: "", options: options)
    return result
  }

  /// Compares two loaded checkpoints (their value trees; the container format is not compared).
  public static func compare(
    _ actual: Checkpoint, _ expected: Checkpoint, options: ComparisonOptions = .close,
    golden: String? = nil
  ) -> CheckpointComparison {
    compare(actual.root, expected.root, options: options, golden: golden)
  }

  /// A report of every difference; "Checkpoints match" when there is none.
  public var message: String {
    if passed {
      return "Checkpoints match (\(tensors.count) tensors)"
        + (golden.map { "; golden: \($0)" } ?? "")
    }
    var lines = ["Checkpoint differs from its golden" + (golden.map { " \($0)" } ?? "") + ":"]
    if !missingKeys.isEmpty { lines.append("Missing keys: " + missingKeys.joined(separator: ", ")) }
    if !unexpectedKeys.isEmpty {
      lines.append("Unexpected keys: " + unexpectedKeys.joined(separator: ", "))
    }
    for m in valueMismatches { lines.append("\(m.path): \(m.description)") }
    let failed = failedTensors
    if !failed.isEmpty || !tensors.isEmpty {
      lines.append("Tensors: \(failed.count) of \(tensors.count) differ")
    }
    var text = lines.joined(separator: "\n")
    for f in failed { text += "\n\n" + f.message }
    return text
  }

  // MARK: - Walking

  private mutating func walk(
    _ a: PickleValue, _ e: PickleValue, path: String, options: ComparisonOptions
  ) {
    if let ta = a.tensor, let te = e.tensor {
      tensors.append(
        TensorComparison.compare(
          ta, te, options: options, name: path.isEmpty ? "[]" : path, golden: golden))
      return
    }
    if let pa = a.pairs, let pe = e.pairs {
      walkPairs(pa, pe, path: path, options: options)
      return
    }
    if let la = a.elements, let le = e.elements, Self.kind(a) == Self.kind(e) {
      if la.count != le.count {
        mismatch(
          path, "\(Self.kind(a)) of length \(la.count) != \(Self.kind(e)) of length \(le.count)")
      }
      for i in 0..<Swift.min(la.count, le.count) {
        walk(la[i].unshared, le[i].unshared, path: path + "[\(i)]", options: options)
      }
      return
    }
    compareLeaves(a, e, path: path, options: options)
  }

  private mutating func walkPairs(
    _ pa: [PicklePair], _ pe: [PicklePair], path: String, options: ComparisonOptions
  ) {
    let keysA = pa.map { Self.keyText($0.key) }
    let keysE = pe.map { Self.keyText($0.key) }
    var actualByKey: [String: PickleValue] = [:]
    for (k, p) in zip(keysA, pa) where actualByKey[k] == nil { actualByKey[k] = p.value.unshared }
    let expectedSet = Set(keysE)
    for (k, p) in zip(keysE, pe) {
      guard let av = actualByKey[k] else {
        missingKeys.append(path + "[\(k)]")
        continue
      }
      walk(av, p.value.unshared, path: path + "[\(k)]", options: options)
    }
    for k in keysA where !expectedSet.contains(k) { unexpectedKeys.append(path + "[\(k)]") }
    if options.mode == .bitwise {
      let common = Set(keysA).intersection(expectedSet)
      let orderA = keysA.filter(common.contains)
      let orderE = keysE.filter(common.contains)
      if orderA != orderE {
        mismatch(
          path.isEmpty ? "[]" : path,
          "key order differs: [\(orderA.joined(separator: ", "))] != [\(orderE.joined(separator: ", "))]"
        )
      }
    }
  }

  private mutating func compareLeaves(
    _ a: PickleValue, _ e: PickleValue, path: String, options: ComparisonOptions
  ) {
    let p = path.isEmpty ? "[]" : path
    switch (a, e) {
    case (.float(let x), .float(let y)):
      let equal: Bool
      if options.mode == .bitwise {
        equal = x.bitPattern == y.bitPattern
      } else {
        let tol = options.tolerance ?? .default(for: .float64)
        equal =
          x == y || (options.equalNaN && x.isNaN && y.isNaN)
          || (Swift.abs(x - y).isFinite
            && Swift.abs(x - y) <= tol.absolute + tol.relative * Swift.abs(y))
      }
      if !equal { mismatch(p, "\(PythonRepr.float(x)) != \(PythonRepr.float(y))") }
    case (.object(let oa), .object(let oe)):
      if oa.qualifiedName != oe.qualifiedName {
        mismatch(p, "\(oa.qualifiedName) object != \(oe.qualifiedName) object")
        return
      }
      walk(oa.args.unshared, oe.args.unshared, path: path + ".args", options: options)
      if let sa = oa.state, let se = oe.state {
        walk(sa.unshared, se.unshared, path: path + ".__state__", options: options)
      } else if (oa.state == nil) != (oe.state == nil) {
        mismatch(p, "object state present on one side only")
      }
    case (.reduce(let ca, let aa), .reduce(let ce, let ae)):
      walk(ca.unshared, ce.unshared, path: path + ".__reduce__[0]", options: options)
      walk(aa.unshared, ae.unshared, path: path + ".__reduce__[1]", options: options)
    case (.build(let va, let sa), .build(let ve, let se)):
      walk(va.unshared, ve.unshared, path: path, options: options)
      walk(sa.unshared, se.unshared, path: path + ".__state__", options: options)
    case (.persistentID(let ia), .persistentID(let ie)):
      walk(ia.unshared, ie.unshared, path: path + ".__persistent_id__", options: options)
    default:
      let ta = Self.leafText(a)
      let te = Self.leafText(e)
      if ta != te { mismatch(p, "\(ta) != \(te)") }
    }
  }

  private mutating func mismatch(_ path: String, _ description: String) {
    valueMismatches.append(ValueMismatch(path: path, description: description))
  }

  // MARK: - Texts

  /// A key as Python's `str([key])` writes it inside the brackets: `'fc.weight'`, `0`.
  static func keyText(_ key: PickleValue) -> String {
    switch key.unshared {
    case .string(let s): PythonRepr.string(s)
    default: leafText(key.unshared)
    }
  }

  /// The value's Python type name (`list`, `tuple`, `collections.OrderedDict`, a class).
  static func kind(_ v: PickleValue) -> String { v.unshared.typeName }

  /// A leaf as Python would print it; containers and opaque values by kind and size.
  static func leafText(_ v: PickleValue) -> String {
    switch v.unshared {
    case .none: return "None"
    case .bool(let b): return PythonRepr.bool(b)
    case .int(let i): return PythonRepr.int(i)
    case .bigInt(let b): return PythonRepr.int(twosComplementLittleEndian: b.bytes)
    case .float(let d): return PythonRepr.float(d)
    case .string(let s): return PythonRepr.string(s)
    case .bytes(let b):
      return "bytes of length \(b.count) (sha256 \(SHA256Digest.hex(of: b).prefix(16)))"
    case .global(let m, let n): return "\(m).\(n)"
    case .storage(let s):
      return
        unsafe "\(s.dtype) storage of \(s.storage.byteCount) bytes on \(s.device) (sha256 \(s.storage.withUnsafeBytes { unsafe SHA256Digest.hex(of: $0) }.prefix(16)))"
    case .set(let items), .frozenSet(let items):
      return "\(kind(v)) {" + items.map(leafText).sorted().joined(separator: ", ") + "}"
    case .tuple(let items), .list(let items):
      return "\(kind(v)) of length \(items.count)"
    default: return kind(v)
    }
  }
}
