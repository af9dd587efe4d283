/// Binds a spec call's arguments to a constructor's parameter names, Python style, and converts
/// them with errors that name the constructor and the argument.
struct ArgumentBinder {
  let call: ModelSpec.Call
  let source: String
  private var bound: [String: ModelSpec.Value] = [:]

  init(call: ModelSpec.Call, source: String) {
    self.call = call
    self.source = source
  }

  func error(_ message: String) -> NNError {
    NNError.invalidSpec("\(call.name)(): \(message)", source: source, offset: call.offset)
  }

  mutating func bind(_ names: [String], required: Int) throws(NNError) {
    guard call.positional.count <= names.count else {
      throw error(
        "takes \(names.count) positional arguments but \(call.positional.count) were given")
    }
    for (name, value) in zip(names, call.positional) { bound[name] = value }
    for (name, value) in call.keywords {
      guard names.contains(name) else {
        throw error("got an unexpected keyword argument '\(name)'")
      }
      guard bound[name] == nil else { throw error("got multiple values for argument '\(name)'") }
      bound[name] = value
    }
    let missing = names.prefix(required).filter { bound[$0] == nil }
    if !missing.isEmpty {
      throw error(
        "missing \(missing.count) required positional argument\(missing.count > 1 ? "s" : ""): \(missing.map { "'\($0)'" }.joined(separator: " and "))"
      )
    }
  }

  /// The value bound to `name`, if any.
  func argument(_ name: String) -> ModelSpec.Value? { bound[name] }

  func int(_ name: String, default dflt: Int? = nil, min: Int? = nil) throws(NNError) -> Int {
    guard let v = bound[name] else {
      guard let dflt else { throw error("missing argument '\(name)'") }
      return dflt
    }
    guard case .int(let i) = v else { throw error("argument '\(name)' must be an int, not \(v)") }
    if let min, i < min { throw error("argument '\(name)' must be at least \(min), got \(i)") }
    return i
  }

  func double(_ name: String, default dflt: Double) throws(NNError) -> Double {
    switch bound[name] {
    case nil: return dflt
    case .int(let i)?: return Double(i)
    case .float(let d)?: return d
    case let v?: throw error("argument '\(name)' must be a number, not \(v)")
    }
  }

  func optionalDouble(_ name: String, default dflt: Double?) throws(NNError) -> Double? {
    if case .none? = bound[name] { return nil }
    return bound[name] == nil ? dflt : try double(name, default: 0)
  }

  func bool(_ name: String, default dflt: Bool) throws(NNError) -> Bool {
    switch bound[name] {
    case nil: return dflt
    case .bool(let b)?: return b
    case let v?: throw error("argument '\(name)' must be True or False, not \(v)")
    }
  }

  func stringIfPresent(_ name: String) throws(NNError) -> String? {
    switch bound[name] {
    case nil: return nil
    case .string(let s)?: return s
    case let v?: throw error("argument '\(name)' must be a string, not \(v)")
    }
  }

  /// How the arguments `names` were written (omitted ones included), for
  /// `Module.argumentSpellings`.
  func spellings(_ names: [String]) -> [String: ArgumentSpelling] {
    var out: [String: ArgumentSpelling] = [:]
    for name in names {
      switch bound[name] {
      case nil, .none?: out[name] = .omitted
      case .int?: out[name] = .int
      case .float?: out[name] = .float
      case .tuple?: out[name] = .tuple
      default: break
      }
    }
    return out
  }

  /// An int or a 2-tuple of ints (`3` → (3, 3)), as PyTorch's `_pair`.
  func pair(_ name: String, default dflt: (Int, Int)? = nil, min: Int) throws(NNError) -> (
    Int, Int
  ) {
    guard let p = try optionalPair(name, min: min) ?? dflt else {
      throw error("missing argument '\(name)'")
    }
    return p
  }

  func optionalPair(_ name: String, min: Int) throws(NNError) -> (Int, Int)? {
    let p: (Int, Int)
    switch bound[name] {
    case nil, .none?: return nil
    case .int(let i)?: p = (i, i)
    case .tuple(let items)? where items.count == 2:
      guard case .int(let a) = items[0], case .int(let b) = items[1] else {
        throw error(
          "argument '\(name)' must be an int or a pair of ints, not \(ModelSpec.Value.tuple(items))"
        )
      }
      p = (a, b)
    case let v?: throw error("argument '\(name)' must be an int or a pair of ints, not \(v)")
    }
    guard p.0 >= min, p.1 >= min else {
      throw error("argument '\(name)' must be at least \(min), got \(p)")
    }
    return p
  }
}
