public import ReproFormat

/// One parameter group of an optimizer (`optimizer.param_groups[i]`): its parameters and its
/// hyper-parameters, in the order PyTorch's group dict holds them.
///
/// A group built by a user holds the options the user gave, in the given order; the optimizer
/// then appends every default the group lacks, in the defaults' order (PyTorch's
/// `param_group.setdefault`). `stateDict()` writes the options in that order and `params` last.
///
/// ```swift
/// let opt = try Adam([
///   ParamGroup(model.child("fc")!.parameters(), options: [("lr", .float(0.1))]),
///   ParamGroup(other.parameters()),
/// ], lr: 0.01)
/// opt.paramGroups[0]["lr"]   // .float(0.1)
/// ```
public struct ParamGroup {
  /// The parameters, in order.
  public var parameters: [Parameter]
  /// The hyper-parameters with their Python types, in dict order (`params` excluded).
  public var options: [(key: String, value: PickleValue)]

  /// Creates a group.
  ///
  /// - Parameters:
  ///   - parameters: the group's parameters (`params`).
  ///   - options: hyper-parameters that override the optimizer's defaults for this group, in
  ///     the order a Python dict literal would list them (`{"params": ..., "lr": 0.1}`).
  public init(_ parameters: [Parameter], options: [(key: String, value: PickleValue)] = []) {
    self.parameters = parameters
    self.options = options
  }

  /// The hyper-parameter stored under `key`; setting a new key appends it, as a dict does.
  public subscript(key: String) -> PickleValue? {
    get { options.first { $0.key == key }?.value }
    set {
      if let i = options.firstIndex(where: { $0.key == key }) {
        if let newValue { options[i].value = newValue } else { options.remove(at: i) }
      } else if let newValue {
        options.append((key, newValue))
      }
    }
  }

  /// The learning rate as a number (`group["lr"]`), nil when absent or not a number.
  public var learningRate: Double? {
    get { self["lr"].flatMap(PythonNumber.init)?.doubleValue }
    set { self["lr"] = newValue.map { .float($0) } }
  }

  // MARK: typed reads for the step functions

  func number(_ key: String, group index: Int) throws(NNError) -> Double {
    guard let v = self[key] else {
      throw NNError(.invalidStateDict, "param_groups[\(index)] has no \"\(key)\"")
    }
    guard let n = PythonNumber(v) else {
      throw NNError(
        .invalidStateDict, "param_groups[\(index)][\"\(key)\"] is \(v.typeName), expected a number")
    }
    return n.doubleValue
  }

  func flag(_ key: String, group index: Int) throws(NNError) -> Bool {
    guard let v = self[key] else {
      throw NNError(.invalidStateDict, "param_groups[\(index)] has no \"\(key)\"")
    }
    switch v.unshared {
    case .bool(let b): return b
    case .none: return false
    case .int(let i): return i != 0
    default:
      throw NNError(
        .invalidStateDict, "param_groups[\(index)][\"\(key)\"] is \(v.typeName), expected a bool")
    }
  }

  func pair(_ key: String, group index: Int) throws(NNError) -> (Double, Double) {
    guard let v = self[key] else {
      throw NNError(.invalidStateDict, "param_groups[\(index)] has no \"\(key)\"")
    }
    guard let e = v.elements, e.count == 2, let a = PythonNumber(e[0]), let b = PythonNumber(e[1])
    else {
      throw NNError(
        .invalidStateDict,
        "param_groups[\(index)][\"\(key)\"] is \(v.typeName), expected a tuple of 2 floats")
    }
    return (a.doubleValue, b.doubleValue)
  }
}
