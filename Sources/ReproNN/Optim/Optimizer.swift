public import ReproFormat
public import ReproTensor

/// The state an optimizer keeps for one parameter (`optimizer.state[p]`): named values in
/// insertion order, such as SGD's `momentum_buffer` or Adam's `step`, `exp_avg`, `exp_avg_sq`.
public struct ParameterState: Sendable {
  /// The entries in PyTorch's order.
  public var entries: [(key: String, value: PickleValue)]

  /// Creates a state.
  public init(entries: [(key: String, value: PickleValue)] = []) { self.entries = entries }

  /// The value stored under `key`; setting a new key appends it.
  public subscript(key: String) -> PickleValue? {
    get { entries.first { $0.key == key }?.value }
    set {
      if let i = entries.firstIndex(where: { $0.key == key }) {
        if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
      } else if let newValue {
        entries.append((key, newValue))
      }
    }
  }

  /// The tensor stored under `key`, if it is one.
  public func tensor(_ key: String) -> Tensor? { self[key]?.tensor }
}

/// The base class of optimizers (`torch.optim.Optimizer`): parameter groups with their
/// hyper-parameters, per-parameter state in the order parameters first got it, `zeroGrad`,
/// and `stateDict` / `loadStateDict` in PyTorch's layout.
///
/// Updates are in place: the optimizer writes into the storages of `Parameter.value` and of its
/// state tensors, as PyTorch's `param.add_` does, so a module holding the same `Parameter`
/// objects sees every step. Subclasses implement `step()` and list their defaults.
open class Optimizer {
  /// The PyTorch class name (`SGD`, `Adam`, `AdamW`).
  public let typeName: String
  /// The parameter groups (`param_groups`); hyper-parameters may be changed between steps, as
  /// a learning-rate scheduler does.
  public var paramGroups: [ParamGroup]
  /// The defaults (`defaults`), in PyTorch's order, with their Python types.
  public let defaults: [(key: String, value: PickleValue)]

  enum StateKey {
    case parameter(ObjectIdentifier)
    /// A state entry of a loaded state dict whose key matches no parameter (PyTorch keeps it).
    case foreign(PickleValue)
  }
  /// `self.state`, in insertion order.
  var stateSlots: [(key: StateKey, state: ParameterState)] = []

  /// Creates an optimizer over `groups`, filling each group's missing options from `defaults`
  /// (`add_param_group`).
  ///
  /// - Throws: `NNError.Code.invalidArgument` for an empty parameter list or a parameter
  ///   that appears twice, with PyTorch's messages.
  public init(typeName: String, groups: [ParamGroup], defaults: [(key: String, value: PickleValue)])
    throws(NNError)
  {
    self.typeName = typeName
    self.defaults = defaults
    self.paramGroups = []
    if groups.isEmpty {
      throw NNError(.invalidArgument, "optimizer got an empty parameter list")
    }
    for g in groups { try addParamGroup(g) }
  }

  /// Adds a group, filling its missing options from `defaults` (`add_param_group`).
  ///
  /// - Throws: `NNError.Code.invalidArgument` when a parameter is already in a group.
  public func addParamGroup(_ group: ParamGroup) throws(NNError) {
    var g = group
    var seen = Set(paramGroups.flatMap { $0.parameters.map(ObjectIdentifier.init) })
    for p in g.parameters where !seen.insert(ObjectIdentifier(p)).inserted {
      throw NNError(
        .invalidArgument, "some parameters appear in more than one parameter group")
    }
    for (k, v) in defaults where g[k] == nil { g.options.append((k, v)) }
    paramGroups.append(g)
  }

  /// Performs one optimisation step (`step()`) over every parameter that has a gradient.
  ///
  /// - Throws: `NNError` for a gradient whose shape or dtype differs from its parameter's,
  ///   unsupported dtypes, or malformed hyper-parameters or state (after `loadStateDict`).
  open func step() throws(NNError) {
    preconditionFailure("\(typeName) must override step()")
  }

  /// The loop of every `step()`: for each group, its hyper-parameters read once by `hyper`,
  /// then `body` for each parameter that has a gradient, after the checks every optimizer makes
  /// (a float32 or float64 parameter, a gradient of its shape and dtype).
  func forEachGradient<Hyper>(
    hyper: (ParamGroup, Int) throws(NNError) -> Hyper,
    _ body: (Parameter, Tensor, Hyper) throws(NNError) -> Void
  ) throws(NNError) {
    for (index, group) in paramGroups.enumerated() {
      let h = try hyper(group, index)
      for p in group.parameters {
        guard let grad = p.grad else { continue }
        try OptimizerKernels.checkDType(p.value.dtype, "parameter")
        try SGD.checkGradient(grad, of: p)
        try body(p, grad, h)
      }
    }
  }

  /// Checks and completes a group loaded by `loadStateDict`: subclasses fill options older
  /// PyTorch versions lacked (`__setstate__`) and check the types their `step` reads.
  open func migrateLoadedGroup(_ group: inout ParamGroup, index: Int) throws(NNError) {}

  /// Completes a parameter's loaded state (Adam turns a number `step` into a tensor).
  open func migrateLoadedState(_ state: inout ParameterState, parameter: Parameter, groupIndex: Int)
    throws(NNError)
  {}

  /// Clears the gradients of every parameter (`zero_grad`).
  ///
  /// - Parameter setToNone: PyTorch's default `true` drops the gradients; `false` fills them
  ///   with zeros in place.
  public func zeroGrad(setToNone: Bool = true) {
    for g in paramGroups {
      for p in g.parameters {
        if setToNone {
          p.grad = nil
        } else if let grad = p.grad {
          unsafe grad.storage.withUnsafeMutableBytes { raw in
            let size = grad.dtype.elementSize
            grad.forEachStorageIndex { i in
              for b in 0..<size { unsafe raw[i * size + b] = 0 }
            }
          }
        }
      }
    }
  }

  /// The state of `parameter` (`optimizer.state[p]`), nil before its first step.
  public func state(for parameter: Parameter) -> ParameterState? {
    let id = ObjectIdentifier(parameter)
    for slot in stateSlots { if case .parameter(id) = slot.key { return slot.state } }
    return nil
  }

  /// The state of `parameter`, created empty (and ordered last) when absent, as PyTorch's
  /// `defaultdict` does on first access.
  func withState<R>(
    for parameter: Parameter, _ body: (inout ParameterState) throws(NNError) -> R
  ) throws(NNError) -> R {
    let id = ObjectIdentifier(parameter)
    let found = stateSlots.firstIndex { if case .parameter(id) = $0.key { true } else { false } }
    let index: Int
    if let found {
      index = found
    } else {
      stateSlots.append((.parameter(id), ParameterState()))
      index = stateSlots.count - 1
    }
    return try body(&stateSlots[index].state)
  }

  /// Every parameter of every group, in order.
  public var allParameters: [Parameter] { paramGroups.flatMap(\.parameters) }
}
