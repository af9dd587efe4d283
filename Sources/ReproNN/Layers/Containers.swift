/// `nn.ModuleList`: children named `0`, `1`, … (no forward of its own).
public final class ModuleList: Module {
  /// Creates the list with `modules` as children `0`, `1`, ….
  public init(_ modules: [Module]) {
    super.init(typeName: "ModuleList")
    for (i, m) in modules.enumerated() { registerChild(String(i), m) }
  }
}

/// `nn.ModuleDict`: children under the given names, in the given order (no forward of its own).
public final class ModuleDict: Module {
  /// Creates the dict with `modules` as children, in order.
  ///
  /// - Precondition: the names are distinct.
  public init(_ modules: [(name: String, module: Module)]) {
    super.init(typeName: "ModuleDict")
    for (name, m) in modules { registerChild(name, m) }
  }
}
