import Foundation
import ReproHarness
import ReproTestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The JUnit and HTML reports of a real run against a real baseline (Golden/baseline/).
@Suite struct BaselineReportTests {
  static func comparison() throws -> (RunResult, BaselineComparison) {
    let (baseline, current) = try BaselineComparisonTests.runs()
    return (current, BaselineComparison(current, baseline: baseline, source: "prev/results.json"))
  }

  @Test func junitStaysValidAndCarriesEachCasesMark() throws {
    let (run, comparison) = try Self.comparison()
    let data = JUnitReport.data(for: run, baseline: comparison)
    let schema = try XMLSchemaValidator(schemaAt: JUnitReportTests.schemaURL)
    #expect(schema.errors(in: data).isEmpty, "\(schema.errors(in: data))")
    let doc = try XMLDocument(data: data)
    let cases = try doc.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
    #expect(cases.count == run.cases.count)
    for testcase in cases {
      let id = try #require(testcase.attribute(forName: "name")?.stringValue)
      let entry = try #require(comparison.entry(for: id))
      let out = testcase.elements(forName: "system-out").map { $0.stringValue ?? "" }
      #expect(out == ["baseline: \(entry.mark.rawValue): \(entry.statusChange)"])
    }
    let props = try doc.nodes(forXPath: "//testsuite/properties/property")
      .compactMap { $0 as? XMLElement }
      .map {
        (
          $0.attribute(forName: "name")?.stringValue ?? "",
          $0.attribute(forName: "value")?.stringValue ?? ""
        )
      }
    let byName = Dictionary(props, uniquingKeysWith: { a, _ in a })
    #expect(byName["baseline"] == "prev/results.json")
    #expect(byName["baseline.new_failures"] == "2")
    #expect(byName["baseline.fixed"] == "1")
    #expect(byName["baseline.unchanged"] == "2")
    #expect(byName["baseline.new"] == "2")
    #expect(
      byName["baseline.gone"]?.split(separator: ",").map(String.init)
        == comparison.entries(marked: .gone).map(\.id))
    // Without a baseline the report is what it was: no system-out, no baseline property.
    let plain = String(decoding: JUnitReport.data(for: run), as: UTF8.self)
    #expect(!plain.contains("system-out") && !plain.contains("baseline"))
  }

  @Test func htmlShowsTheBaselineSectionAndMarks() throws {
    let (run, comparison) = try Self.comparison()
    let html = HTMLReport.render(run, baseline: comparison)
    for (id, n) in [
      ("baseline-new-failures", 2), ("baseline-fixed", 1), ("baseline-unchanged", 2),
      ("baseline-new", 2), ("baseline-gone", 3),
    ] {
      #expect(html.contains("<span id=\"\(id)\" class=\"n\">\(n)</span>"), "\(id)")
    }
    #expect(html.contains("<code>prev/results.json</code>"))
    // The changes table lists the 2 new failures, the fixed case and the 3 gone cases.
    let changes = try #require(html.range(of: "<table id=\"baseline-changes\">"))
    let table = html[changes.lowerBound...].prefix { _ in true }
    let end = try #require(table.range(of: "</table>"))
    let rows = table[..<end.lowerBound].components(separatedBy: "<tr class=\"").dropFirst()
    #expect(
      rows.map { $0.prefix { $0 != "\"" } } == [
        "new-failure", "new-failure", "fixed", "gone", "gone", "gone",
      ])
    // Each case carries its mark next to its status and as a filter token.
    #expect(occurrences(of: "<span class=\"mark new-failure\">new failure</span>", in: html) == 4)
    #expect(html.contains("baseline=new-failure"))
    #expect(!HTMLReport.render(run).contains("id=\"baseline\""))
  }

  @Test func caseTableNamesEachColumnOnce() throws {
    let (run, _) = try Self.comparison()
    // Matrix cases carry the model among their axes too.
    #expect(run.cases.allSatisfy { $0.axes["model"] != nil })
    let html = HTMLReport.render(run)
    let head = try #require(html.range(of: "<table id=\"case-table\"><thead><tr>"))
    let end = try #require(html[head.upperBound...].range(of: "</tr></thead>"))
    let headers = html[head.upperBound..<end.lowerBound].components(separatedBy: "<th>").dropFirst()
      .map { $0.replacingOccurrences(of: "</th>", with: "") }
    #expect(
      headers == [
        "status", "case", "model", "dtype", "format", "device", "mode", "route", "backend", "seed",
        "time (s)", "message",
      ])
    // The id column may wrap after each `/`.
    let id = try #require(run.cases.first?.id)
    #expect(
      html.contains("<td class=\"id\">\(id.replacingOccurrences(of: "/", with: "/<wbr>"))</td>"))
    #expect(html.contains("<div class=\"scroll\"><table id=\"case-table\">"))
  }

  private func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
  }
}
