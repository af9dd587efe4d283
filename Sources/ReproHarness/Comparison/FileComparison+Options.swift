extension FileComparison {
  /// How two files are compared: the verdict (`assert_close` tolerance, `bitwise` or `maxULP`)
  /// and the key mapping.
  ///
  /// Keys are mapped in this order, each step on the result of the one before: `stripPrefixes`
  /// (either file), `addPrefix` (the candidate only), `renames` (either file), then `only` and
  /// `ignore` select among the mapped keys.
  ///
  /// ```swift
  /// var options = FileComparison.Options(stripPrefixes: ["module."])
  /// options.renames = [FileComparison.KeyRename(from: "fc", to: "classifier")]
  /// options.maxULP = 2
  /// ```
  public struct Options: Sendable {
    /// An explicit tolerance (`--rtol`/`--atol`); nil takes the dtypes' default.
    public var tolerance: Tolerance?
    /// Bytes, dtype, shape, stride and device must be equal.
    public var bitwise = false
    /// Two NaNs count as equal.
    public var equalNaN = false
    /// A dtype difference fails the key (for non-tensor numbers: a numpy scalar type change).
    public var strictDtype = false
    /// Floating keys pass when every element lies at most this many ULPs from the reference's,
    /// instead of within a tolerance (`--max-ulp`).
    ///
    /// When the dtypes differ, both sides are first rounded (`Tensor.to`) to the less precise
    /// one: fewer significand bits (bfloat16 over float16), the reference's on a tie. Two NaNs
    /// pass only with `equalNaN`; NaN against a number fails. Integer and bool keys still
    /// compare exactly; a floating key against an integer or a complex against a real one fails,
    /// as they have no common ULP. Python floats count ULPs in float64, numpy scalars in their
    /// own dtype. nil (the default) uses the tolerance.
    public var maxULP: UInt64?
    /// Prefixes stripped from every key (path component) of either file that starts with one.
    public var stripPrefixes: [String] = []
    /// A prefix put before every key path of the candidate, after stripping (`module.` to
    /// compare a plain state dict with a DataParallel one, `model/` to compare a bare state
    /// dict with the `model` entry of a training checkpoint).
    public var addPrefix: String?
    /// Renames applied to the keys of either file, after the prefixes; the first that applies
    /// to a key wins.
    public var renames: [KeyRename] = []
    /// Globs (`*`, `?`) a key path must match to be compared; empty compares every key.
    public var only: [String] = []
    /// Globs of key paths left out.
    public var ignore: [String] = []

    /// Creates options; the defaults are `assert_close`'s with the less precise dtype's tolerance
    /// and no key mapping.
    public init(
      tolerance: Tolerance? = nil, bitwise: Bool = false, equalNaN: Bool = false,
      strictDtype: Bool = false, maxULP: UInt64? = nil, stripPrefixes: [String] = [],
      addPrefix: String? = nil, renames: [KeyRename] = [], only: [String] = [],
      ignore: [String] = []
    ) {
      self.tolerance = tolerance
      self.bitwise = bitwise
      self.equalNaN = equalNaN
      self.strictDtype = strictDtype
      self.maxULP = maxULP
      self.stripPrefixes = stripPrefixes
      self.addPrefix = addPrefix
      self.renames = renames
      self.only = only
      self.ignore = ignore
    }
  }

  /// A key rename, `--rename FROM=TO`: a key equal to `from`, or starting with `from` followed
  /// by `.` or `/`, gets `to` in its place.
  ///
  /// `fc=classifier` renames `fc.weight` to `classifier.weight` and `fc` to `classifier`, but
  /// not `fc2.weight`. A `from` ending in `.` or `/` matches every key it starts
  /// (`encoder.=enc.`).
  public struct KeyRename: Sendable, Hashable, Codable {
    /// The key, or the leading part of a key, to replace.
    public var from: String
    /// What replaces it.
    public var to: String

    /// Creates a rename.
    public init(from: String, to: String) {
      self.from = from
      self.to = to
    }

    /// Parses `FROM=TO` (split at the first `=`); nil when there is no `=` or either side is
    /// empty.
    public init?(parsing text: String) {
      guard let equals = text.firstIndex(of: "=") else { return nil }
      let from = String(text[..<equals])
      let to = String(text[text.index(after: equals)...])
      guard !from.isEmpty, !to.isEmpty else { return nil }
      self.init(from: from, to: to)
    }

    /// The renamed key, or nil when the rename does not apply to `key`.
    public func apply(to key: String) -> String? {
      if key == from { return to }
      guard key.hasPrefix(from) else { return nil }
      let rest = key.dropFirst(from.count)
      guard from.hasSuffix(".") || from.hasSuffix("/") || rest.first == "." || rest.first == "/"
      else { return nil }
      return to + rest
    }
  }
}
