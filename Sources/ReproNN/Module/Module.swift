public import ReproTensor

/// A neural-network module: ordered parameters, buffers and children, as `torch.nn.Module`.
///
/// Registration order is PyTorch's, so `stateDict()` yields PyTorch's keys in PyTorch's order
/// (`0.weight`, `layer1.0.bn1.running_mean`, …). Subclasses register their tensors in their
/// initialisers and implement `forward`.
///
/// ```swift
/// let model = Sequential([Linear(5, 7, generator: g), ReLU(), Linear(7, 3, generator: g)])
/// model.stateDict().map(\.key)   // ["0.weight", "0.bias", "2.weight", "2.bias"]
/// ```
open class Module {
  /// The PyTorch class name (`Linear`, `BatchNorm2d`), used in whole-module files and errors.
  public let typeName: String
  /// The module's `_version`, written into state-dict `_metadata` (1, BatchNorm 2).
  public let version: Int
  /// Parameters in registration order; a nil value is registered but absent (`bias=False`).
  public private(set) var namedParameters: [(name: String, parameter: Parameter?)] = []
  /// Buffers in registration order; non-persistent buffers are left out of the state dict.
  public private(set) var namedBuffers: [(name: String, tensor: Tensor?, isPersistent: Bool)] = []
  /// Child modules in registration order.
  public private(set) var namedChildren: [(name: String, module: Module)] = []
  /// Training mode (`train()` / `eval()`), which BatchNorm and Dropout read.
  public private(set) var isTraining = true
  /// How constructor arguments that PyTorch keeps as given were written (`2` or `(2, 2)`),
  /// keyed by PyTorch's argument name; the spec factory fills it in.
  ///
  /// Whole-module files
  /// (`wholeModuleValue()`) write these attributes in the same spelling, as torch.save does.
  public var argumentSpellings: [String: ArgumentSpelling] = [:]

  /// Creates an empty module with a PyTorch class name and `_version`.
  public init(typeName: String, version: Int = 1) {
    self.typeName = typeName
    self.version = version
  }

  /// Registers a parameter (`register_parameter`).
  ///
  /// - Precondition: the name is new (registering twice is a programmer error).
  public func registerParameter(_ name: String, _ parameter: Parameter?) {
    precondition(!hasMember(name), "\(typeName) already has a member named \(name)")
    namedParameters.append((name, parameter))
  }

  /// Replaces the parameter registered under `name`, keeping its place in the order, as
  /// `module.weight = other.weight` does in PyTorch (how weights are tied).
  ///
  /// - Precondition: `name` is a registered parameter.
  public func replaceParameter(_ name: String, with parameter: Parameter?) {
    guard let i = namedParameters.firstIndex(where: { $0.name == name }) else {
      preconditionFailure("\(typeName) has no parameter named \(name)")
    }
    namedParameters[i].parameter = parameter
  }

  /// Registers a buffer (`register_buffer`).
  ///
  /// - Precondition: the name is new.
  public func registerBuffer(_ name: String, _ tensor: Tensor?, isPersistent: Bool = true) {
    precondition(!hasMember(name), "\(typeName) already has a member named \(name)")
    namedBuffers.append((name, tensor, isPersistent))
  }

  /// Registers a child module (`add_module`).
  ///
  /// - Precondition: the name is new.
  public func registerChild(_ name: String, _ module: Module) {
    precondition(!hasMember(name), "\(typeName) already has a member named \(name)")
    namedChildren.append((name, module))
  }

  private func hasMember(_ name: String) -> Bool {
    namedParameters.contains { $0.name == name } || namedBuffers.contains { $0.name == name }
      || namedChildren.contains { $0.name == name }
  }

  /// The parameter registered under `name` in this module (not its children).
  public func parameter(_ name: String) -> Parameter? {
    namedParameters.first { $0.name == name }?.parameter
  }

  /// The buffer registered under `name` in this module.
  public func buffer(_ name: String) -> Tensor? {
    namedBuffers.first { $0.name == name }?.tensor
  }

  /// Replaces the value of a registered buffer.
  ///
  /// - Precondition: `name` is a registered buffer.
  public func setBuffer(_ name: String, _ tensor: Tensor?) {
    guard let i = namedBuffers.firstIndex(where: { $0.name == name }) else {
      preconditionFailure("\(typeName) has no buffer named \(name)")
    }
    namedBuffers[i].tensor = tensor
  }

  /// The child registered under `name`.
  public func child(_ name: String) -> Module? {
    namedChildren.first { $0.name == name }?.module
  }

  /// Every module of the tree in pre-order with its dotted path (`modules()` / `named_modules()`),
  /// this module first with path `""`.
  public func namedModules(prefix: String = "") -> [(path: String, module: Module)] {
    var out: [(String, Module)] = [(prefix, self)]
    for (name, child) in namedChildren {
      out += child.namedModules(prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
    }
    return out
  }

  /// Every parameter of the tree in PyTorch's order (`parameters()`), skipping nil ones.
  ///
  /// A parameter shared by two modules appears once, as in PyTorch.
  public func parameters() -> [Parameter] {
    var seen = Set<ObjectIdentifier>()
    var out: [Parameter] = []
    for (_, module) in namedModules() {
      for case (_, let p?) in module.namedParameters where seen.insert(ObjectIdentifier(p)).inserted
      {
        out.append(p)
      }
    }
    return out
  }

  /// Sets training mode on this module and all its children (`train(mode)`).
  public func train(_ mode: Bool = true) {
    for (_, m) in namedModules() { m.isTraining = mode }
  }

  /// Sets evaluation mode (`eval()`).
  public func eval() { train(false) }

  /// Computes the module's output (`forward`).
  ///
  /// Subclasses override it; the base class throws.
  ///
  /// Operations record an autograd graph when a parameter or the input requires grad and
  /// `GradMode.isEnabled`. Inputs are not cast: as in PyTorch, a float16 model takes float16
  /// input (kernels compute in float32 and round each result), and mismatched dtypes are an
  /// error, except inside an `Autocast` scope.
  /// - Throws: `TensorError` from the kernels (shape or dtype mismatch), or `NNError`
  ///   (`.unsupported` for a module without a forward, and the layers' own checks).
  open func forward(_ input: Variable) throws -> Variable {
    throw NNError(.unsupported, "\(typeName) has no forward")
  }

  /// `forward(input)` (`module(input)`).
  public func callAsFunction(_ input: Variable) throws -> Variable {
    try forward(input)
  }

  /// `forward` on a plain tensor, returning the output value (the graph, if any, is dropped).
  public func callAsFunction(_ input: Tensor) throws -> Tensor {
    try forward(Variable(input)).value
  }

  /// Clears every parameter's gradient (`zero_grad(set_to_none=True)`, PyTorch's default).
  public func zeroGrad() {
    for p in parameters() { p.grad = nil }
  }
}
