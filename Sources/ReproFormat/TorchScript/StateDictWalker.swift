import ReproTensor

/// Builds `torch.jit.load(f).state_dict()` from the unpickled module objects of a TorchScript
/// archive (see ``TorchScriptArchive``).
struct StateDictWalker {
  let classes: [String: TorchScriptClass]
  let context: String
  /// The state dict's entries in order.
  var pairs: [PicklePair] = []
  /// `_metadata`: one `{"version": 1}` per module, in pre-order.
  var metadata: [PicklePair] = []
  /// Guards against a module reached again through a cycle.
  private var depth = 0
  /// Guards against submodules shared many times over (a DAG torch would also walk in full).
  private var visits = 0
  /// The most module visits accepted.
  static let maximumVisits = 100_000

  init(classes: [String: TorchScriptClass], context: String) {
    self.classes = classes
    self.context = context
  }

  /// The class and attributes of a module object.
  func module(_ value: PickleValue, at prefix: String) throws(FormatError) -> (
    TorchScriptClass, [PicklePair]
  )? {
    var object: PickleObject
    var state: PickleValue?
    switch value.unshared {
    case .object(let o):
      object = o
      state = o.state
    case .build(let o, let s):
      guard case .object(let inner) = o.unshared else { return nil }
      object = inner
      state = s
    default: return nil
    }
    guard let cls = classes[object.qualifiedName] else { return nil }
    guard case .dict(let attributes)? = state?.unshared else {
      throw FormatError(
        .corrupt,
        "\(context): module '\(prefix.isEmpty ? "<root>" : String(prefix.dropLast()))' (\(object.qualifiedName)) has no attribute dict"
      )
    }
    return (cls, attributes)
  }

  /// Appends the state dict entries of the module `value` whose keys start with `prefix`.
  mutating func visit(_ value: PickleValue, prefix: String) throws(FormatError) {
    guard let (cls, attributes) = try module(value, at: prefix) else {
      let name: String =
        if case .object(let o) = value.unshared { o.qualifiedName } else { value.typeName }
      throw FormatError(
        .corrupt,
        "\(context): the root object \(name) is not a module class declared under code/ (a truncated or damaged TorchScript archive?)"
      )
    }
    depth += 1
    visits += 1
    defer { depth -= 1 }
    guard visits <= StateDictWalker.maximumVisits else {
      throw FormatError(
        .limitExceeded,
        "\(context): more than \(StateDictWalker.maximumVisits) module visits (submodules shared many times over?) at '\(prefix)'"
      )
    }
    guard depth <= 200 else {
      throw FormatError(.limitExceeded, "\(context): modules nested deeper than 200 at '\(prefix)'")
    }
    metadata.append(
      PicklePair(
        .string(String(prefix.dropLast())), .dict([PicklePair(.string("version"), .int(1))])))
    for wanted in [cls.parameters, cls.buffers] {
      for pair in attributes {
        guard let name = pair.key.string, wanted.contains(name) else { continue }
        switch pair.value.unshared {
        case .none: continue
        case .tensor(var t), .parameter(var t):
          t.requiresGrad = false
          pairs.append(PicklePair(.string(prefix + name), .tensor(t)))
        default:
          throw FormatError(
            .corrupt,
            "\(context): '\(prefix + name)' is declared a \(wanted == cls.parameters ? "parameter" : "buffer") of \(cls.qualifiedName) but holds \(pair.value.typeName)"
          )
        }
      }
    }
    for pair in attributes {
      guard let name = pair.key.string, try module(pair.value, at: prefix + name + ".") != nil
      else { continue }
      try visit(pair.value, prefix: prefix + name + ".")
    }
  }
}
