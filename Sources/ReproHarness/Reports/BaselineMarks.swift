/// A baseline comparison indexed for the reports: each case's entry by id, the gone cases by
/// model.
struct BaselineMarks {
  /// The comparison, nil without a baseline.
  let comparison: BaselineComparison?
  /// The entries of the run's cases by case id.
  let entries: [String: BaselineComparison.Entry]
  /// The ids of gone cases by the suite (model) that lists them.
  let goneByModel: [String: [String]]

  /// Indexes a comparison of `run`; a gone case is listed under its model, or under the run's
  /// first model when the run has no case of that model.
  init(_ comparison: BaselineComparison?, run: RunResult) {
    self.comparison = comparison
    var entries: [String: BaselineComparison.Entry] = [:]
    var gone: [String: [String]] = [:]
    let models = Set(run.models)
    for e in comparison?.entries ?? [] {
      if e.status == nil {
        let model = models.contains(e.model) ? e.model : (run.models.first ?? e.model)
        gone[model, default: []].append(e.id)
      } else if entries[e.id] == nil {
        entries[e.id] = e
      }
    }
    self.entries = entries
    goneByModel = gone
  }

  /// A suite's JUnit properties: the baseline source, the counts of its cases' marks and the gone
  /// ids; none without a baseline.
  func properties(model: String, cases: [CaseResult]) -> [(String, String)] {
    guard let comparison else { return [] }
    var counts: [BaselineComparison.Mark: Int] = [:]
    for c in cases {
      if let e = entries[c.id] { counts[e.mark, default: 0] += 1 }
    }
    var out: [(String, String)] = [("baseline", comparison.source)]
    for (name, mark) in [
      ("new_failures", BaselineComparison.Mark.newFailure), ("fixed", .fixed),
      ("unchanged", .unchanged), ("new", .new),
    ] {
      out.append(("baseline.\(name)", String(counts[mark] ?? 0)))
    }
    if let gone = goneByModel[model] {
      out.append(("baseline.gone", gone.joined(separator: ",")))
    }
    return out
  }
}
