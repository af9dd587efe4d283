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

  /// Every label of the "largest error per tensor" chart fits in the chart: labels are set in
  /// monospace (at most 6.7 px a character at 11 px), right-aligned at `x`, so `x` must leave room
  /// for all of its characters, and each value text must end inside the chart's width.
  @Test func tensorChartLeavesRoomForItsLabels() throws {
    var run = try sampleRun()
    run.cases = [run.cases[0]] + run.cases.filter { $0.status == .fail }.prefix(1)
    let long = "model.encoder.layers.11.self_attention.linear_qkv.layer_norm_weight"
    run.cases[0].tensors[0].name = long
    let longer = String(repeating: "block.", count: 20) + "weight"  // 126 characters
    run.cases[0].tensors[1].name = longer
    let html = HTMLReport.render(run)
    let start = try #require(html.range(of: "<svg id=\"tensor-errors\""))
    let svg = String(html[start.lowerBound...].prefix { _ in true }.split(separator: "</svg>")[0])
    let width = try #require(attribute("width", in: svg).flatMap(Double.init))
    var labels: [String] = []
    for text in svg.components(separatedBy: "<text ").dropFirst() {
      let x = try #require(attribute("x", in: text).flatMap(Double.init))
      let content = String(text.split(separator: ">", maxSplits: 1)[1].prefix { $0 != "<" })
      let chars = Double(content.count) * 6.7
      if text.contains("class=\"label end mono\"") {
        labels.append(content)
        #expect(x - chars >= 0, "label \(content) at x=\(x) needs \(chars) px")
      } else if text.contains("class=\"count mono\"") {
        #expect(x + chars <= width, "value \(content) at x=\(x) passes the width \(width)")
      }
    }
    #expect(labels.contains(long))  // 67 characters: longer than the old 260 px column
    // Past 72 characters a label keeps its start and end around an ellipsis.
    #expect(labels.contains(String(longer.prefix(36)) + "…" + String(longer.suffix(35))))
    #expect(labels.count == occurrences(of: "<g class=\"bar", in: svg))
  }

  private func attribute(_ name: String, in text: String) -> String? {
    guard let r = text.range(of: " \(name)=\"") ?? text.range(of: "\(name)=\"") else { return nil }
    return String(text[r.upperBound...].prefix { $0 != "\"" })
  }

  private func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }
}
