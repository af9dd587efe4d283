public import ReproFormat
import ReproTensor

extension Optimizer {
  /// The optimizer's state dict (`state_dict()`) in PyTorch's exact layout and value types:
  /// `{"state": {index: {...}}, "param_groups": [{...options, "params": [indices]}]}`.
  ///
  /// `state` is keyed by each parameter's index in the concatenated `params` lists, in the
  /// order parameters first received state; its tensors are the optimizer's own (a later step
  /// changes them, as in PyTorch). Group options keep their order and Python types, `params`
  /// comes last, and groups that did not override a tuple default (Adam's `betas`) share one
  /// tuple object, so `Checkpoint.serialized(format: .torch)` writes the bytes `torch.save` writes.
  public func stateDict() -> PickleValue {
    var mapping: [ObjectIdentifier: Int] = [:]
    var start = 0
    var groups: [PickleValue] = []
    for g in paramGroups {
      for (i, p) in g.parameters.enumerated() where mapping[ObjectIdentifier(p)] == nil {
        mapping[ObjectIdentifier(p)] = start + i
      }
      var pairs = g.options.filter { $0.key != "params" }.map {
        PicklePair(.string($0.key), $0.value)
      }
      let indices = g.parameters.compactMap { mapping[ObjectIdentifier($0)] }
      pairs.append(PicklePair(.string("params"), .list(indices.map { .int(Int64($0)) })))
      start += g.parameters.count
      groups.append(.dict(pairs))
    }
    var state: [PicklePair] = []
    for slot in stateSlots {
      let key: PickleValue
      switch slot.key {
      case .parameter(let id):
        guard let i = mapping[id] else { continue }  // a parameter removed from every group
        key = .int(Int64(i))
      case .foreign(let k):
        key = k
      }
      state.append(
        PicklePair(key, .dict(slot.state.entries.map { PicklePair(.string($0.key), $0.value) })))
    }
    return .dict([
      PicklePair(.string("state"), .dict(state)),
      PicklePair(.string("param_groups"), .list(groups)),
    ])
  }

  /// Restores a state dict written by `stateDict()` or PyTorch's `optimizer.state_dict()`
  /// (`load_state_dict`).
  ///
  /// As in PyTorch, saved groups are matched to this optimizer's groups by position and saved
  /// parameter indices to parameters by position; every saved option replaces the group's
  /// options (key order included), and floating-point state tensors other than `step` are
  /// cast to their parameter's dtype and device tag. Tensors are copied into fresh storages,
  /// so a memory-mapped file is never written to.
  ///
  /// - Throws: `NNError.Code.invalidStateDict` naming the key that is missing or has the
  ///   wrong type, a group count or size mismatch (PyTorch's messages), or a state tensor whose
  ///   shape differs from its parameter's; nothing is modified when it throws.
  public func loadStateDict(_ value: PickleValue) throws(NNError) {
    guard value.pairs != nil else {
      throw NNError(
        .invalidStateDict, "optimizer state dict is \(value.typeName), expected a dict")
    }
    func entry(_ key: String) throws(NNError) -> PickleValue {
      try value.required(key, in: "optimizer state dict")
    }
    guard let savedGroups = try entry("param_groups").elements else {
      throw NNError(
        .invalidStateDict,
        "\"param_groups\" is \(try entry("param_groups").typeName), expected a list")
    }
    guard let savedState = try entry("state").pairs else {
      throw NNError(
        .invalidStateDict, "\"state\" is \(try entry("state").typeName), expected a dict")
    }
    if savedGroups.count != paramGroups.count {
      throw NNError(
        .invalidStateDict, "loaded state dict has a different number of parameter groups")
    }
    var idMap: [Int64: (parameter: Parameter, group: Int)] = [:]
    var newGroups: [ParamGroup] = []
    for (gi, saved) in savedGroups.enumerated() {
      guard let pairs = saved.pairs else {
        throw NNError(
          .invalidStateDict, "param_groups[\(gi)] is \(saved.typeName), expected a dict")
      }
      var options: [(key: String, value: PickleValue)] = []
      var ids: [Int64]?
      for p in pairs {
        guard let k = p.key.string else {
          throw NNError(
            .invalidStateDict, "param_groups[\(gi)] has a \(p.key.typeName) key, expected str")
        }
        if k == "params" {
          guard let list = p.value.elements else {
            throw NNError(
              .invalidStateDict,
              "param_groups[\(gi)][\"params\"] is \(p.value.typeName), expected a list of ints")
          }
          var out: [Int64] = []
          for (j, e) in list.enumerated() {
            guard let i = e.int64 else {
              throw NNError(
                .invalidStateDict,
                "param_groups[\(gi)][\"params\"][\(j)] is \(e.typeName), expected an int")
            }
            out.append(i)
          }
          ids = out
        } else {
          options.append((k, p.value))
        }
      }
      guard let ids else {
        throw NNError(.invalidStateDict, "param_groups[\(gi)] has no \"params\" key")
      }
      let current = paramGroups[gi].parameters
      if ids.count != current.count {
        throw NNError(
          .invalidStateDict,
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
        )
      }
      for (i, p) in zip(ids, current) { idMap[i] = (p, gi) }
      var group = ParamGroup(current, options: options)
      try migrateLoadedGroup(&group, index: gi)
      newGroups.append(group)
    }

    var slots: [(key: StateKey, state: ParameterState)] = []
    for pair in savedState {
      guard let k = pair.key.int64, let (param, gi) = idMap[k] else {
        slots.append((.foreign(pair.key), ParameterState(entries: [])))
        if let entries = pair.value.pairs {
          slots[slots.count - 1].state.entries = entries.compactMap { e in
            e.key.string.map { ($0, e.value) }
          }
        }
        continue
      }
      guard let entries = pair.value.pairs else {
        throw NNError(
          .invalidStateDict, "state[\(k)] is \(pair.value.typeName), expected a dict")
      }
      var state = ParameterState()
      for e in entries {
        guard let name = e.key.string else {
          throw NNError(
            .invalidStateDict, "state[\(k)] has a \(e.key.typeName) key, expected str")
        }
        state[name] = try Optimizer.castLoaded(
          e.value, key: name, like: param.value, context: "state[\(k)][\"\(name)\"]")
      }
      try migrateLoadedState(&state, parameter: param, groupIndex: gi)
      slots.append((.parameter(ObjectIdentifier(param)), state))
    }
    paramGroups = newGroups
    stateSlots = slots
  }

  /// A loaded state value as PyTorch's `_process_value_according_to_param_policy` makes it.
  ///
  /// `step` stays as saved; other tensors take the parameter's dtype when it is floating, and
  /// its device tag. Always a fresh copy.
  static func castLoaded(_ value: PickleValue, key: String, like param: Tensor, context: String)
    throws(NNError) -> PickleValue
  {
    guard let t = value.tensor else { return value }
    if key != "step" && t.shape != param.shape {
      throw NNError(
        .shapeMismatch,
        "\(context) has shape \(Module.torchSize(t.shape)), its parameter \(Module.torchSize(param.shape))"
      )
    }
    var copy: Tensor
    if key != "step" && param.dtype.isFloatingPoint {
      copy = t.to(param.dtype).copied()
    } else {
      copy = t.copied()
    }
    copy.device = key == "step" ? t.device : param.device
    copy.requiresGrad = t.requiresGrad
    return .tensor(copy)
  }
}
