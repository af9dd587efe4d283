/// A Python global that a pickle names with `GLOBAL` or `STACK_GLOBAL`: a module and a name in
/// it (`os` and `system`, `torch.nn.modules.linear` and `Linear`).
public struct PythonGlobal: Hashable, Sendable, CustomStringConvertible {
  /// The module (`torch.nn.modules.linear`), after Python 2 names are mapped to Python 3 ones
  /// as `pickle` does (`__builtin__` → `builtins`).
  public var module: String
  /// The name inside the module (`Linear`).
  public var name: String

  /// Creates a global from its module and name.
  public init(module: String, name: String) {
    self.module = module
    self.name = name
  }

  /// `module.name`, as torch's weights-only errors write it (`os.system`).
  public var qualifiedName: String { "\(module).\(name)" }

  /// The qualified name.
  public var description: String { qualifiedName }
}
