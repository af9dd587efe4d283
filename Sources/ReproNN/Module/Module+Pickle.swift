public import ReproFormat
import ReproTensor

extension StateDict {
  /// The state dict as `torch.save(model.state_dict())` pickles it.
  ///
  /// An `OrderedDict` of key → tensor with the `_metadata` attribute (an `OrderedDict` of module
  /// path → `{'version': n}`), torch-format.md b.9. The tensors share storage with the module.
  public var pickleValue: PickleValue {
    let versions = metadata.map { entry in
      PicklePair(
        .string(entry.path), .dict([PicklePair(.string("version"), .int(Int64(entry.version)))]))
    }
    return .orderedDict(
      entries.map { PicklePair(.string($0.key), .tensor($0.tensor)) },
      attributes: [PicklePair(.string("_metadata"), .orderedDict(versions, attributes: []))])
  }
}

extension Module {
  /// The state dict as a pickle value, ready for `Checkpoint.write` (the corresponding PyTorch
  /// call is `torch.save(model.state_dict(), f)`); see `StateDict.pickleValue`.
  ///
  /// - Parameter prefix: prepended to every key and metadata path (`module.` for DataParallel).
  public func stateDictValue(prefix: String = "") -> PickleValue {
    stateDict(prefix: prefix).pickleValue
  }

  /// The object tree `torch.save(model)` pickles: one `NEWOBJ` + `BUILD` object per module
  /// whose state is the module's `__dict__` as PyTorch 2.13 holds it (`training`,
  /// `_parameters`, `_buffers`, `_non_persistent_buffers_set`, the eleven hook dicts,
  /// `_is_full_backward_hook`, `_modules`, then the layer's own attributes in its
  /// constructor's order), torch-format.md e.
  ///
  /// Parameters are written as `nn.Parameter`s sharing storage with the module; a parameter or
  /// child placed twice is written once and referenced afterwards, as pickle's memo does.
  /// Attributes PyTorch keeps as given (`MaxPool2d(2)` vs `MaxPool2d((2, 2))`, `Dropout(0)`)
  /// follow `argumentSpellings`; equal tuple literals are one object, as in one Python
  /// expression. The file loads with `torch.load(path, weights_only=False)` into the same
  /// `torch.nn` modules.
  ///
  /// `SimpleModel` (the `simple` zoo model) is written as `__main__.SimpleModel`, which is what
  /// torch.save writes for the guides' script; loading it needs that class in the loader's
  /// `__main__`.
  ///
  /// - Returns: an `.object` tree for `Checkpoint.write`.
  /// - Throws: `NNError` `.unsupported` for a module without a `torch.nn` class
  ///   (torchvision's `ResNet` and `BasicBlock`, custom modules): loading such a file needs the
  ///   Python class, so save its state dict instead.
  public func wholeModuleValue() throws(NNError) -> PickleValue {
    var context = ModuleExportContext()
    return try exportValue(path: "", context: &context)
  }

  private func exportValue(path: String, context: inout ModuleExportContext) throws(NNError)
    -> PickleValue
  {
    if let done = context.modules[ObjectIdentifier(self)] { return .shared(done) }
    guard let (pythonModule, pythonClass) = torchClass else {
      let place = path.isEmpty ? "the root module" : "module '\(path)'"
      if Self.torchClassesWithoutWholeModuleExport.contains(typeName) {
        throw NNError(
          .unsupported,
          "\(place) is a torch.nn.\(typeName), whose whole-module attributes Repro does not write yet; save the state dict instead (--mode state-dict)"
        )
      }
      throw NNError(
        .unsupported,
        "\(place) is a \(typeName), which has no torch.nn class: torch.load could not rebuild it without its Python definition; save the state dict instead (--mode state-dict)"
      )
    }
    var state: [PicklePair] = []
    func add(_ key: String, _ value: PickleValue) { state.append(PicklePair(.string(key), value)) }
    add("training", .bool(isTraining))
    var parameters: [PicklePair] = []
    for (name, parameter) in namedParameters {
      guard let parameter else {
        parameters.append(PicklePair(.string(name), .none))
        continue
      }
      let box =
        context.parameters[ObjectIdentifier(parameter)]
        ?? {
          var t = parameter.value
          t.requiresGrad = parameter.requiresGrad
          return PickleShared(.parameter(t))
        }()
      context.parameters[ObjectIdentifier(parameter)] = box
      parameters.append(PicklePair(.string(name), .shared(box)))
    }
    add("_parameters", .dict(parameters))
    add(
      "_buffers",
      .dict(
        namedBuffers.map { PicklePair(.string($0.name), $0.tensor.map { .tensor($0) } ?? .none) }))
    add(
      "_non_persistent_buffers_set",
      .set(namedBuffers.filter { !$0.isPersistent }.map { .string($0.name) }))
    for hooks in ["_backward_pre_hooks", "_backward_hooks"] {
      add(hooks, .orderedDict([], attributes: []))
    }
    add("_is_full_backward_hook", .none)
    for hooks in [
      "_forward_hooks", "_forward_hooks_with_kwargs", "_forward_hooks_always_called",
      "_forward_pre_hooks",
      "_forward_pre_hooks_with_kwargs", "_state_dict_hooks", "_state_dict_pre_hooks",
      "_load_state_dict_pre_hooks", "_load_state_dict_post_hooks",
    ] {
      add(hooks, .orderedDict([], attributes: []))
    }
    var children: [PicklePair] = []
    for (name, child) in namedChildren {
      let childPath = path.isEmpty ? name : "\(path).\(name)"
      children.append(
        PicklePair(.string(name), try child.exportValue(path: childPath, context: &context)))
    }
    add("_modules", .dict(children))
    for (key, value) in layerAttributes(context: &context) { add(key, value) }
    let box = PickleShared(
      .object(
        PickleObject(module: pythonModule, name: pythonClass, args: .tuple([]), state: .dict(state))
      ))
    context.modules[ObjectIdentifier(self)] = box
    return .shared(box)
  }

  /// torch.nn classes Repro builds whose `__dict__` it does not write (state dicts only).
  static let torchClassesWithoutWholeModuleExport: Set<String> = [
    "Embedding", "LayerNorm", "GELU", "Softmax", "Identity", "MultiheadAttention",
    "TransformerEncoderLayer", "TransformerDecoderLayer", "ModuleList", "ModuleDict",
  ]

  /// The Python module and class torch.save names for this module, nil when there is none.
  private var torchClass: (String, String)? {
    switch self {
    case is Sequential: ("torch.nn.modules.container", "Sequential")
    case is Linear: ("torch.nn.modules.linear", "Linear")
    case is Conv2d: ("torch.nn.modules.conv", "Conv2d")
    case is BatchNorm2d: ("torch.nn.modules.batchnorm", "BatchNorm2d")
    case is ReLU: ("torch.nn.modules.activation", "ReLU")
    case is Tanh: ("torch.nn.modules.activation", "Tanh")
    case is Sigmoid: ("torch.nn.modules.activation", "Sigmoid")
    case is Flatten: ("torch.nn.modules.flatten", "Flatten")
    case is Dropout: ("torch.nn.modules.dropout", "Dropout")
    case is MaxPool2d: ("torch.nn.modules.pooling", "MaxPool2d")
    case is AvgPool2d: ("torch.nn.modules.pooling", "AvgPool2d")
    case is AdaptiveAvgPool2d: ("torch.nn.modules.pooling", "AdaptiveAvgPool2d")
    default:
      // The zoo's `simple`: the guides' class, defined in their script's `__main__`.
      self is SimpleModel ? ("__main__", "SimpleModel") : nil
    }
  }

  /// The attributes the layer's `__init__` sets after `Module.__init__`, in its order.
  private func layerAttributes(context: inout ModuleExportContext) -> [(String, PickleValue)] {
    func int(_ v: Int) -> PickleValue { .int(Int64(v)) }
    func fresh(_ p: (Int, Int)) -> PickleValue { .tuple([int(p.0), int(p.1)]) }
    /// Conv2d's `_pair(x)`: the literal tuple object itself, else a new tuple.
    func pair(_ name: String, _ p: (Int, Int)) -> PickleValue {
      argumentSpellings[name] == .tuple ? context.literal(p) : fresh(p)
    }
    /// Pooling layers keep the argument as given.
    func asGiven(_ name: String, _ p: (Int, Int), omitted: PickleValue) -> PickleValue {
      switch argumentSpellings[name] {
      case .int?: int(p.0)
      case .tuple?: context.literal(p)
      case .omitted?: omitted
      case .float?, nil: p.0 == p.1 ? int(p.0) : fresh(p)
      }
    }
    func number(_ name: String, _ v: Double) -> PickleValue {
      argumentSpellings[name] == .int && v.rounded() == v && abs(v) < 1e18
        ? .int(Int64(v)) : .float(v)
    }
    switch self {
    case let l as Linear:
      return [("in_features", int(l.inFeatures)), ("out_features", int(l.outFeatures))]
    case let c as Conv2d:
      return [
        ("in_channels", int(c.inChannels)), ("out_channels", int(c.outChannels)),
        ("kernel_size", pair("kernel_size", c.kernelSize)), ("stride", pair("stride", c.stride)),
        ("padding", pair("padding", c.padding)), ("dilation", pair("dilation", c.dilation)),
        ("transposed", .bool(false)), ("output_padding", fresh((0, 0))), ("groups", int(c.groups)),
        ("padding_mode", .string("zeros")),
        (
          "_reversed_padding_repeated_twice",
          .tuple([c.padding.1, c.padding.1, c.padding.0, c.padding.0].map(int))
        ),
      ]
    case let b as BatchNorm2d:
      return [
        ("num_features", int(b.numFeatures)), ("eps", number("eps", b.eps)),
        ("momentum", b.momentum.map { number("momentum", $0) } ?? .none),
        ("affine", .bool(b.isAffine)),
        ("track_running_stats", .bool(b.tracksRunningStats)),
      ]
    case let r as ReLU:
      return [("inplace", .bool(r.isInplace))]
    case let f as Flatten:
      return [("start_dim", int(f.startDim)), ("end_dim", int(f.endDim))]
    case let d as Dropout:
      return [("p", number("p", d.p)), ("inplace", .bool(d.isInplace))]
    case let m as MaxPool2d:
      let kernel = asGiven("kernel_size", m.kernelSize, omitted: .none)
      let stride =
        argumentSpellings["stride"] == nil && m.stride == m.kernelSize
        ? kernel : asGiven("stride", m.stride, omitted: kernel)
      return [
        ("kernel_size", kernel), ("stride", stride),
        ("padding", asGiven("padding", m.padding, omitted: int(0))),
        ("dilation", asGiven("dilation", m.dilation, omitted: int(1))),
        ("return_indices", .bool(m.returnsIndices)),
        ("ceil_mode", .bool(m.ceilMode)),
      ]
    case let a as AvgPool2d:
      let kernel = asGiven("kernel_size", a.kernelSize, omitted: .none)
      let stride =
        argumentSpellings["stride"] == nil && a.stride == a.kernelSize
        ? kernel : asGiven("stride", a.stride, omitted: kernel)
      return [
        ("kernel_size", kernel), ("stride", stride),
        ("padding", asGiven("padding", a.padding, omitted: int(0))),
        ("ceil_mode", .bool(false)), ("count_include_pad", .bool(true)),
        ("divisor_override", .none),
      ]
    case let a as AdaptiveAvgPool2d:
      return [("output_size", asGiven("output_size", a.outputSize, omitted: .none))]
    default:
      return []
    }
  }
}

/// What a whole-module export has written so far: modules and parameters already placed (to be
/// referenced again, not duplicated) and the tuple literals of the spec (one object per value).
private struct ModuleExportContext {
  var modules: [ObjectIdentifier: PickleShared] = [:]
  var parameters: [ObjectIdentifier: PickleShared] = [:]
  var literals: [[Int]: PickleShared] = [:]

  /// The one tuple object for the literal `(a, b)`.
  mutating func literal(_ p: (Int, Int)) -> PickleValue {
    let key = [p.0, p.1]
    if let box = literals[key] { return .shared(box) }
    let box = PickleShared(.tuple([.int(Int64(p.0)), .int(Int64(p.1))]))
    literals[key] = box
    return .shared(box)
  }
}
