/// Reads the `__dict__` of pickled `torch.nn.Module` objects (whole-model files) without
/// executing anything: parameters, buffers and children in registration order.
public enum ModuleTree {
  /// Whether an opaque object is a torch module (its state has `_parameters` and `_modules`).
  public static func isModule(_ object: PickleObject) -> Bool {
    attribute("_modules", of: object) != nil && attribute("_parameters", of: object) != nil
  }

  /// An attribute of the object's `__dict__`.
  public static func attribute(_ name: String, of object: PickleObject) -> PickleValue? {
    guard let state = object.state?.unshared else { return nil }
    let pairs: [PicklePair]
    switch state {
    case .dict(let p), .orderedDict(let p, _): pairs = p
    // `(dict, slotstate)` form.
    case .tuple(let items):
      guard case .dict(let p)? = items.first?.unshared else { return nil }
      pairs = p
    default: return nil
    }
    return pairs.first { if case .string(name) = $0.key.unshared { true } else { false } }?.value
  }

  static func orderedPairs(_ value: PickleValue?) -> [PicklePair] {
    switch value?.unshared {
    case .dict(let p)?, .orderedDict(let p, _)?: p
    default: []
    }
  }

  /// The module's `state_dict(keep_vars:)` in PyTorch's order: each module's parameters, then its
  /// persistent buffers, then its children's, with dotted keys.
  ///
  /// - Parameter keepVars: keep parameters as `.parameter` (true) or turn them into plain
  ///   tensors with `requiresGrad` false (false, like `param.detach()`).
  public static func stateDict(of object: PickleObject, keepVars: Bool, prefix: String = "") -> [(
    String, PickleValue
  )] {
    var out: [(String, PickleValue)] = []
    for p in orderedPairs(attribute("_parameters", of: object)) {
      guard case .string(let name) = p.key.unshared else { continue }
      switch p.value.unshared {
      case .none: continue
      case .parameter(var t) where !keepVars:
        t.requiresGrad = false
        out.append((prefix + name, .tensor(t)))
      default: out.append((prefix + name, p.value))
      }
    }
    let nonPersistent: Set<String> = {
      switch attribute("_non_persistent_buffers_set", of: object)?.unshared {
      case .set(let items)?:
        Set(items.compactMap { if case .string(let s) = $0.unshared { s } else { nil } })
      default: []
      }
    }()
    for p in orderedPairs(attribute("_buffers", of: object)) {
      guard case .string(let name) = p.key.unshared, !nonPersistent.contains(name) else { continue }
      if case .none = p.value.unshared { continue }
      out.append((prefix + name, p.value))
    }
    for p in orderedPairs(attribute("_modules", of: object)) {
      guard case .string(let name) = p.key.unshared, case .object(let child) = p.value.unshared
      else { continue }
      out += stateDict(of: child, keepVars: keepVars, prefix: prefix + name + ".")
    }
    return out
  }
}
