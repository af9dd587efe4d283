extension Suite {
  /// The cases of the `[[roundtrip]]` and `[[golden]]` entries.
  ///
  /// Until `RoundTripCheck` and `GoldenFileCheck` are in this build, each entry is one `error`
  /// case saying so, never a silent pass.
  func extraCases() -> [any SuiteCase] {
    let pending = "needs RoundTripCheck / GoldenFileCheck, not in this build of Repro"
    return definition.roundtrip.map {
      PendingCase(
        id: "roundtrip/\($0.displayName)", model: $0.checkpoint,
        axes: ["kind": "roundtrip", "name": $0.displayName], reason: pending)
    }
      + definition.golden.map {
        PendingCase(
          id: "golden/\($0.displayName)", model: $0.file,
          axes: ["kind": "golden", "name": $0.displayName], reason: pending)
      }
  }
}

/// A case that cannot run in this build: an `error` result with the reason.
struct PendingCase: SuiteCase {
  var id: String
  var model: String
  var axes: [String: String]
  var reason: String

  func run(in context: SuiteContext) -> CaseResult {
    CaseResult(
      id: id, model: model, axes: axes, status: .error,
      failure: CaseResult.Failure(message: reason, type: "Unsupported"))
  }
}

extension Suite {
  /// The axes of the `[[roundtrip]]` and `[[golden]]` cases beyond `kind` and `name`.
  func extraAxisNames() -> Set<String> { [] }
}
