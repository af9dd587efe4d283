import Foundation
import ReproHarness
import ReproTensor
import ReproTestSupport
import Testing

@Suite struct RunResultTests {
  @Test func resultsRoundTripThroughJSONWithNonFiniteFigures() throws {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    // A real comparison whose figures hold inf and NaN.
    let a = Tensor([Float.infinity, .nan, 1] as [Float])
    let e = Tensor([1, 2, 1] as [Float])
    let cmp = TensorComparison.compare(a, e, name: "x")
    #expect(cmp.figures?.maxAbsoluteError.isNaN == true)
    let start = Date(timeIntervalSince1970: 1_800_000_000.25)
    let c = CaseResult.judged(
      id: "t/1", model: "t", axes: ["dtype": "float32"], tensors: [cmp], startedAt: start,
      finishedAt: start.addingTimeInterval(0.5))
    let run = RunResult(
      environment: SampleResults.environment, cases: [c], startedAt: start, duration: 0.5)
    let url = scratch.appendingPathComponent("r.json")
    try run.write(to: url)
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains("\"maxAbsoluteError\" : \"nan\""))
    #expect(text.contains("\"startedAt\" : \"2027-01-15T08:00:00.250Z\""))
    let back = try RunResult.load(from: url)
    #expect(back.cases[0].tensors[0].figures?.maxAbsoluteError.isNaN == true)
    // torch.max semantics: the NaN at index 1 is the greatest difference.
    #expect(back.cases[0].tensors[0].figures?.greatestAbsoluteMismatch?.isNaN == true)
    #expect(back.cases[0].tensors[0].figures?.greatestAbsoluteMismatchIndex == [1])
    #expect(back.cases[0].startedAt == start)
    #expect(back.cases[0].status == .fail)
    #expect(back.cases[0].failure?.type == "ComparisonFailure")
    #expect(back.environment == run.environment)
  }

  @Test(arguments: [0.0, 0.001, 1_800_000_000.123, 1_799_999_999.9995, -1.5])
  func timestampsSurviveJSONAtMillisecondPrecision(_ seconds: Double) throws {
    let date = Date(timeIntervalSince1970: seconds)
    let run = RunResult(
      environment: SampleResults.environment, cases: [], startedAt: date, duration: 0)
    let once = try RunResult.makeDecoder().decode(RunResult.self, from: run.jsonData())
    let twice = try RunResult.makeDecoder().decode(RunResult.self, from: once.jsonData())
    #expect(once == twice)
    #expect(abs(once.startedAt.timeIntervalSince1970 - seconds) <= 0.0005)
  }

  @Test func shardsMergeInOrderSpanningTheirTimes() throws {
    let env = SampleResults.environment
    let t0 = Date(timeIntervalSince1970: 1000)
    let a = RunResult(
      environment: env, cases: [CaseResult(id: "a", model: "m", status: .pass, startedAt: t0)],
      startedAt: t0, duration: 10, shards: ["1/2"])
    let b = RunResult(
      environment: env, cases: [CaseResult(id: "b", model: "m", status: .fail, startedAt: t0)],
      startedAt: t0.addingTimeInterval(5), duration: 8, shards: ["2/2"])
    let merged = try RunResult.merged([a, b])
    #expect(merged.cases.map(\.id) == ["a", "b"])
    #expect(merged.duration == 13)
    #expect(merged.shards == ["1/2", "2/2"])
    #expect(merged.summary.failures == 1 && merged.summary.passed == 1)
  }

  @Test func mergeRejectsDuplicateCases() throws {
    let env = SampleResults.environment
    let r = RunResult(
      environment: env, cases: [CaseResult(id: "same", model: "m", status: .pass)],
      startedAt: Date(), duration: 1)
    #expect {
      try RunResult.merged([r, r])
    } throws: { error in
      (error as? HarnessError)?.message == "case same appears in results 1 and 2 of 2"
    }
    #expect(throws: HarnessError.self) { try RunResult.merged([]) }
  }

  @Test func loadNamesTheFileThatIsNotResults() throws {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let url = scratch.appendingPathComponent("bad.json")
    try Data("{\"cases\": 3}".utf8).write(to: url)
    #expect {
      try RunResult.load(from: url)
    } throws: { error in
      let e = error as? HarnessError
      return e?.code == .invalidResults && e?.message == "\(url.path): not a Repro results file"
    }
    #expect {
      try RunResult.load(from: scratch.appendingPathComponent("missing.json"))
    } throws: { error in
      (error as? HarnessError)?.code == .io
    }
  }
}
