import ReproTensor

/// The outcome of comparing one tensor with its golden.
///
/// `summary` is `torch.testing.assert_close`'s own message, word for word, for the same pair;
/// `message` adds which tensor (state-dict key), which golden, the ULP distance and the worst
/// element:
///
/// ```text
/// Tensor-likes are not close!
///
/// Mismatched elements: 3 / 20 (15.0%)
/// Greatest absolute difference: 3.0 at index (3, 2) (up to 1e-05 allowed)
/// Greatest relative difference: 6.703125 at index (0, 3) (up to 0.001 allowed)
/// Greatest ULP distance: 2381 at index (3, 2)
/// Worst element at index (3, 2): actual -1.984375, expected 1.015625
///
/// The failure occurred for item ['0.weight']
/// Golden: Golden/mlp/seed0/state_dict.pt
/// ```
public struct ComparisonResult: Sendable, Hashable, Codable {
  /// The tensor's name (a state-dict key or a path such as `['state'][0]['exp_avg']`), if known.
  public var name: String?
  /// What the tensor was compared with (a golden file, a case), if known.
  public var golden: String?
  /// The kind of check.
  public var mode: ComparisonOptions.Mode
  /// Whether the check passed.
  public var passed: Bool
  /// The first attribute that differs (values are not compared then).
  public var attributeMismatch: AttributeMismatch?
  /// The figures of the value comparison (nil when an attribute differs).
  public var figures: ComparisonFigures?
  /// `assert_close`'s message for a failure (nil when passed); for `.bitwise`, the same layout
  /// headed "Tensor-likes are not bitwise equal!".
  public var summary: String?
  /// Extra lines after the summary: ULP distance, worst element, first differing bytes.
  public var details: [String]

  /// Creates a result (the comparison functions build these).
  public init(
    name: String?, golden: String?, mode: ComparisonOptions.Mode, passed: Bool,
    attributeMismatch: AttributeMismatch? = nil, figures: ComparisonFigures? = nil,
    summary: String? = nil, details: [String] = []
  ) {
    self.name = name
    self.golden = golden
    self.mode = mode
    self.passed = passed
    self.attributeMismatch = attributeMismatch
    self.figures = figures
    self.summary = summary
    self.details = details
  }

  /// The full message: the summary, the details, then which item and which golden.
  ///
  /// The item line has the layout of `assert_close`'s "The failure occurred for item [...]"
  /// suffix. For a pass, the message is one line such as "['fc.weight']: bitwise equal".
  public var message: String {
    if passed {
      let what = mode == .bitwise ? "bitwise equal" : "close"
      var line = name.map { "\(itemText($0)): \(what)" } ?? what
      if let golden { line += " (golden: \(golden))" }
      return line
    }
    var text = summary ?? ""
    if !details.isEmpty { text += "\n" + details.joined(separator: "\n") }
    var tail: [String] = []
    if let name { tail.append("The failure occurred for item \(itemText(name))") }
    if let golden { tail.append("Golden: \(golden)") }
    if !tail.isEmpty { text += "\n\n" + tail.joined(separator: "\n") }
    return text
  }

  /// One line for a report's failure attribute: `['fc.weight']: Tensor-likes are not close!
  /// (3 / 20 mismatched, greatest absolute difference 3.0)`.
  public var headline: String {
    let item = name.map { itemText($0) + ": " } ?? ""
    if passed { return item + (mode == .bitwise ? "bitwise equal" : "close") }
    if let attributeMismatch { return item + attributeMismatch.message }
    let first = summary?.split(separator: "\n").first.map(String.init) ?? "differs"
    guard let f = figures else { return item + first }
    var line = "\(item)\(first) (\(f.mismatchCount) / \(f.elementCount) mismatched"
    if mode == .bitwise {
      line = "\(item)\(first) (\(f.bitwiseMismatchCount) / \(f.elementCount) differ"
    }
    if let g = f.greatestAbsoluteMismatch {
      line += ", greatest absolute difference \(PythonRepr.float(g))"
    }
    return line + ")"
  }

  /// A name that is already a path (`['a'][0]`) is kept, a plain key is quoted as PyTorch does.
  private func itemText(_ name: String) -> String {
    name.hasPrefix("[") ? name : "[\(PythonRepr.string(name))]"
  }
}
