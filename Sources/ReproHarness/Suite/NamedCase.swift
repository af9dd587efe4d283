/// A suite case with its entry's name as the `name` axis, for the checks whose cases do not
/// carry it themselves (`RoundTripCheck`, `GoldenFileCheck`), so `--filter name=…` selects
/// every kind of entry alike.
struct NamedCase: SuiteCase {
  /// The case.
  var base: any SuiteCase
  /// The entry's name.
  var name: String

  var id: String { base.id }
  var model: String { base.model }
  var axes: [String: String] { base.axes.merging(["name": name]) { own, _ in own } }

  func run(in context: SuiteContext) -> CaseResult {
    var result = base.run(in: context)
    result.axes = result.axes.merging(["name": name]) { own, _ in own }
    return result
  }
}
