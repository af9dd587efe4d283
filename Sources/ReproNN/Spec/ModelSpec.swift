import ReproTensor

/// A model description in PyTorch's own constructor syntax.
///
/// ```swift
/// let spec = try ModelSpec(parsing: "Sequential(Linear(5,7), ReLU(), Linear(7,3, bias=False))")
/// spec.root.name                  // "Sequential"
/// spec.root.positional.count      // 3
/// ```
///
/// The grammar is a Python call expression: `Name(arg, ..., key=value, ...)` where a value is an
/// int, a float, `True`/`False`/`None`, a quoted string, a tuple `(3, 3)` or list `[1, 2]`, or
/// another call. Names may carry PyTorch's module prefixes (`nn.Linear`, `torch.nn.ReLU`), which
/// are dropped. A bare name (`resnet18`, `mlp`) is a call without arguments.
public struct ModelSpec: Sendable, Equatable, CustomStringConvertible {
  /// The outermost call.
  public var root: Call
  /// The text the spec was parsed from.
  public var source: String

  /// One constructor call: `Linear(5, 7, bias=False)`.
  public struct Call: Sendable, Equatable, CustomStringConvertible {
    /// The constructor's name without module prefixes (`Linear`).
    public var name: String
    /// Positional arguments, in order.
    public var positional: [Value]
    /// Keyword arguments, in the order written.
    public var keywords: [(name: String, value: Value)]
    /// The character offset of the name in the source, for error messages.
    public var offset: Int

    /// Creates a call.
    public init(
      name: String, positional: [Value] = [], keywords: [(name: String, value: Value)] = [],
      offset: Int = 0
    ) {
      self.name = name
      self.positional = positional
      self.keywords = keywords
      self.offset = offset
    }

    /// Whether two calls have the same name and arguments (their source offsets are ignored).
    public static func == (a: Call, b: Call) -> Bool {
      a.name == b.name && a.positional == b.positional
        && a.keywords.map(\.name) == b.keywords.map(\.name)
        && a.keywords.map(\.value) == b.keywords.map(\.value)
    }

    /// The call written back in canonical form (`Linear(5, 7, bias=False)`).
    public var description: String {
      let args = positional.map(\.description) + keywords.map { "\($0.name)=\($0.value)" }
      return "\(name)(\(args.joined(separator: ", ")))"
    }
  }

  /// An argument value.
  public indirect enum Value: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case bool(Bool)
    case none
    case string(String)
    case tuple([Value])
    case call(Call)

    /// The value in Python syntax.
    public var description: String {
      switch self {
      case .int(let i): PythonRepr.int(i)
      case .float(let d): PythonRepr.float(d)
      case .bool(let b): PythonRepr.bool(b)
      case .none: "None"
      case .string(let s): PythonRepr.string(s)
      case .tuple(let items):
        items.count == 1
          ? "(\(items[0]),)" : "(\(items.map(\.description).joined(separator: ", ")))"
      case .call(let c): c.description
      }
    }
  }

  /// Parses a spec.
  ///
  /// - Throws: `NNError` pointing at the offending character.
  public init(parsing text: String) throws(NNError) {
    var parser = ModelSpecParser(text)
    root = try parser.parseSpec()
    source = text
  }

  /// The spec written back in canonical form.
  public var description: String { root.description }
}
