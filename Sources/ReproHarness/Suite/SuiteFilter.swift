/// A `--filter` of `axis=value[|value…]` terms, comma-separated
/// (`dtype=float16|bfloat16,format=safetensors`): a case is kept when, for every term, its value
/// on that axis is one of the term's values.
///
/// The same filter applies to the built-in matrix and to suite files: the axes are whatever the
/// cases declare (`SuiteCase.axes`), and naming an axis none of them has is an error, so a typo
/// never selects nothing silently.
///
/// ```swift
/// let filter = try SuiteFilter(parsing: "kind=compare,name=fp16 export")
/// let selected = try filter.apply(to: suite.cases())
/// ```
public struct SuiteFilter: Sendable, Hashable {
  /// One `axis=value|value` term.
  public struct Term: Sendable, Hashable {
    /// The axis name.
    public var axis: String
    /// The accepted values.
    public var values: Set<String>
  }

  /// The terms, in the order written.
  public var terms: [Term]

  /// Parses a filter.
  ///
  /// - Throws: `HarnessError.Code.invalidFilter` for a term without `=`.
  public init(parsing text: String) throws(HarnessError) {
    var terms: [Term] = []
    for term in text.split(separator: ",") {
      let parts = term.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else {
        throw HarnessError(.invalidFilter, "filter term '\(term)' is not axis=value")
      }
      terms.append(
        Term(axis: parts[0], values: Set(parts[1].split(separator: "|").map(String.init))))
    }
    self.terms = terms
  }

  /// Checks that every term names one of `axes`.
  ///
  /// - Throws: `HarnessError.Code.invalidFilter` naming the unknown axis and listing the known
  ///   ones.
  public func validate(axes: Set<String>) throws(HarnessError) {
    for term in terms where !axes.contains(term.axis) {
      throw HarnessError(
        .invalidFilter,
        "unknown axis '\(term.axis)' in filter; axes: \(axes.sorted().joined(separator: ", "))")
    }
  }

  /// Whether a case with these axes is kept (a missing axis matches no value).
  public func matches(_ axes: [String: String]) -> Bool {
    terms.allSatisfy { term in axes[term.axis].map { term.values.contains($0) } ?? false }
  }

  /// The cases kept, in order.
  ///
  /// - Throws: `HarnessError.Code.invalidFilter` when a term names an axis no case has.
  public func apply(to cases: [any SuiteCase]) throws(HarnessError) -> [any SuiteCase] {
    try validate(axes: Set(cases.flatMap(\.axes.keys)))
    return select(cases)
  }

  /// The cases kept, in order, without checking the axis names (`validate(axes:)` did).
  public func select(_ cases: [any SuiteCase]) -> [any SuiteCase] {
    cases.filter { matches($0.axes) }
  }
}
