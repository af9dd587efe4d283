import Foundation
import ReproHarness
import ReproTestSupport
import Testing

@Suite struct HTMLReportTests {
  @Test(arguments: [
    ("plain", "plain"),
    ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
    ("a & b \"q\"", "a &amp; b &quot;q&quot;"),
    ("ctl\u{0}\u{1B}\tok\n", "ctl\u{FFFD}\u{FFFD}\tok\n"),
    ("&amp;", "&amp;amp;"),
    ("é 𝜋 ✓", "é 𝜋 ✓"),
  ])
  func escapeCoversMarkupAndForbiddenCharacters(_ input: String, _ expected: String) {
    #expect(HTMLText.escape(input) == expected)
  }

  func sampleRun() throws -> RunResult {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    return try RunResult.merged(SampleResults.makeShards(scratch: scratch))
  }

  @Test func pageShowsCountsMatrixPlotsCasesAndEnvironment() throws {
    let run = try sampleRun()
    let html = HTMLReport.render(run)
    let s = run.summary
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<span id=\"count-tests\" class=\"n\">\(s.tests)</span>"))
    #expect(html.contains("<span id=\"count-passed\" class=\"n\">\(s.passed)</span>"))
    #expect(html.contains("<span id=\"count-failures\" class=\"n\">\(s.failures)</span>"))
    #expect(html.contains("<span id=\"count-errors\" class=\"n\">\(s.errors)</span>"))
    #expect(html.contains("<span id=\"count-skipped\" class=\"n\">\(s.skipped)</span>"))
    #expect(s.passed > 0 && s.failures > 0 && s.errors == 1 && s.skipped == 1)
    #expect(occurrences(of: "<tbody class=\"case ", in: html) == run.cases.count)
    for status in CaseResult.Status.allCases {
      let n = run.cases.filter { $0.status == status }.count
      #expect(occurrences(of: "data-status=\"\(status.rawValue)\"", in: html) == n)
    }
    // One matrix per shown axis, a row per model.
    #expect(occurrences(of: "<table class=\"matrix\"", in: html) == 3)
    #expect(html.contains("<td class=\"cell fail\" data-filter=\"model=mlp dtype=float16\""))
    #expect(html.contains("<svg id=\"error-histogram\""))
    #expect(html.contains("<svg id=\"tensor-errors\""))
    #expect(html.contains("<th>pytorch.compatibility</th><td>2.13.0</td>"))
    #expect(html.contains("<input id=\"filter\""))
    // Failure details carry the comparison message.
    #expect(html.contains("The failure occurred for item [&#39;0.weight&#39;]"))
  }

  @Test func pageIsSelfContained() throws {
    let html = HTMLReport.render(try sampleRun())
    for banned in ["http://", "https://", "src=", "<link", "@import", "url("] {
      // The SVG namespace is the only URL, and it is never fetched.
      let hits = html.components(separatedBy: banned).count - 1
      let allowed =
        banned == "http://" ? occurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", in: html) : 0
      #expect(hits == allowed, "\(banned)")
    }
  }

  @Test func hostileCaseTextIsEscapedEverywhere() {
    let nasty = "<img src=x onerror=alert(1)>\"'&"
    let c = CaseResult(
      id: nasty, model: nasty, axes: ["dtype": nasty, nasty: "v"], status: .fail,
      failure: CaseResult.Failure(message: nasty, type: nasty, details: nasty))
    let html = HTMLReport.render(
      RunResult(environment: SampleResults.environment, cases: [c], startedAt: Date(), duration: 1),
      title: nasty)
    #expect(!html.contains("<img"))
    #expect(!html.contains("\"'&\""))
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"))
  }

  private func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }
}
