extension MatrixShard {
  /// The cases of this shard: every `count`-th case, starting at the `index`-th, so the `count`
  /// shards partition any list of cases (the matrix's or a suite file's).
  public func select<Element>(_ cases: [Element]) -> [Element] {
    cases.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
  }

  /// The shard GitLab's `parallel:` keyword gives a job: `CI_NODE_INDEX` (1-based) of
  /// `CI_NODE_TOTAL`, or nil when neither is set.
  ///
  /// - Throws: `HarnessError.Code.invalidFilter` when only one is set, or when they are not
  ///   integers with `1 <= CI_NODE_INDEX <= CI_NODE_TOTAL`.
  public static func fromEnvironment(
    _ environment: [String: String]
  ) throws(HarnessError) -> MatrixShard? {
    let index = environment["CI_NODE_INDEX"]
    let total = environment["CI_NODE_TOTAL"]
    if index == nil && total == nil { return nil }
    guard let index, let total, let shard = MatrixShard("\(index)/\(total)") else {
      throw HarnessError(
        .invalidFilter,
        "CI_NODE_INDEX=\(index ?? "(unset)") and CI_NODE_TOTAL=\(total ?? "(unset)") do not name a shard: both must be set, with 1 <= CI_NODE_INDEX <= CI_NODE_TOTAL (GitLab's parallel: keyword sets them)"
      )
    }
    return shard
  }
}
