import Foundation
import ReproFormat
import Testing

@testable import ReproHarness

/// ReproHarness's one error type: each message says which filter term, file or value is wrong.
@Suite struct HarnessErrorTests {
  @Test func aFilterErrorNamesTheTermAndTheAxes() throws {
    let m = Matrix.standard
    do throws(HarnessError) {
      _ = try m.filtered("colour=red")
      Issue.record("expected an error")
    } catch {
      #expect(error.code == .invalidFilter)
      let axes = Set(MatrixCase(model: "mlp").axes.map(\.name)).sorted().joined(separator: ", ")
      #expect(error.message == "unknown axis 'colour' in filter; axes: \(axes)")
      #expect(error.description == "invalidFilter: " + error.message)
    }
    #expect(throws: HarnessError(.invalidFilter, "filter term 'dtype' is not axis=value")) {
      try m.filtered("dtype")
    }
  }

  @Test func aValueThatIsNotADictNamesTheFileAndTheTypeFound() {
    #expect(
      throws: HarnessError(
        .unexpectedValue,
        "the state dict loaded from mlp_float32.pt: expected a dict or OrderedDict, got list")
    ) {
      try MatrixRunner.pairs(.list([]), of: "the state dict loaded from mlp_float32.pt")
    }
    #expect(
      throws: HarnessError(
        .unexpectedValue,
        "the state dict to save (non-strict route): expected a non-empty OrderedDict to swap a key of, got collections.OrderedDict with 0 entries"
      )
    ) {
      try MatrixRunner.withOneKeySwapped(.orderedDict([], attributes: []))
    }
  }

  @Test func aCauseIsAppendedToTheDescription() {
    let cause = FormatError(.io, "x.json: permission denied")
    let e = HarnessError(.io, "x.json: cannot read the results", cause: cause)
    #expect(
      e.description
        == "io: x.json: cannot read the results (caused by: io: x.json: permission denied)")
  }
}
