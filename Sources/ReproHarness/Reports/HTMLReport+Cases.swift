import ReproTensor

extension HTMLReport {
  /// The axes of the case table's columns: the matrix axes in their order, then the others
  /// sorted; never `model`, which has its own column (the matrix puts it among a case's axes).
  static func caseTableAxes(_ run: RunResult) -> [String] {
    var axes = Set(run.cases.flatMap { $0.axes.keys })
    axes.remove("model")
    return matrixAxes.filter { axes.remove($0) != nil } + axes.sorted()
  }

  /// The case table, in a container that scrolls sideways when the table is wider than the page.
  static func casesSection(_ run: RunResult, marks: BaselineMarks) -> String {
    let ordered = caseTableAxes(run)
    var html = """
      <section id="cases"><h2>Cases</h2>
      <p class="filter"><label for="filter">Filter</label> <input id="filter" type="search" placeholder="words or axis=value, e.g. dtype=float16 status=fail" autocomplete="off">
      <span id="shown">\(run.cases.count)</span> of <span id="total">\(run.cases.count)</span> shown</p>
      <div class="scroll"><table id="case-table"><thead><tr><th>status</th><th>case</th><th>model</th>
      """
    html += ordered.map { "<th>\(HTMLText.escape($0))</th>" }.joined()
    html += "<th>time (s)</th><th>message</th></tr></thead>\n"
    let columns = 5 + ordered.count
    for c in run.cases {
      let mark = marks.entries[c.id]?.mark
      var tokens = ["status=\(c.status.rawValue)", "model=\(token(c.model))"]
      tokens += c.axes.keys.sorted().filter { $0 != "model" }.map {
        "\(token($0))=\(token(c.axes[$0] ?? ""))"
      }
      if let mark { tokens.append("baseline=\(mark.token)") }
      let search =
        ([c.id, c.model, c.status.rawValue, mark?.rawValue ?? "", c.failure?.message ?? ""]
        + c.axes.values.sorted())
        .joined(separator: " ").lowercased()
      html +=
        "<tbody class=\"case \(c.status.rawValue)\" data-status=\"\(c.status.rawValue)\" data-tokens=\"\(HTMLText.escape(tokens.joined(separator: " ").lowercased()))\" data-search=\"\(HTMLText.escape(search))\">\n"
      html += "<tr><td><span class=\"badge \(c.status.rawValue)\">\(c.status.rawValue)</span>"
      if let mark { html += " <span class=\"mark \(mark.token)\">\(mark.rawValue)</span>" }
      html += "</td><td class=\"id\">\(breakable(c.id))</td><td>\(HTMLText.escape(c.model))</td>"
      html += ordered.map { "<td>\(HTMLText.escape(c.axes[$0] ?? ""))</td>" }.joined()
      html += "<td class=\"num\">\(ReportTime.seconds(c.duration))</td>"
      html +=
        "<td class=\"msg\">\(HTMLText.escape(c.failure?.message ?? "\(c.tensors.count) tensors checked"))</td></tr>\n"
      html += "<tr class=\"more\"><td colspan=\"\(columns)\"><details><summary>details</summary>\n"
      html += tensorTable(c.tensors)
      if let f = c.failure, !f.details.isEmpty {
        html +=
          "<pre class=\"failure\">\(HTMLText.escape(f.type)): \(HTMLText.escape(f.details))</pre>\n"
      }
      html += "</details></td></tr>\n</tbody>\n"
    }
    return html + "</table></div></section>\n"
  }

  /// A case id escaped, with a line-break opportunity (`<wbr>`) after each `/`, so the id column
  /// wraps instead of widening the table.
  static func breakable(_ id: String) -> String {
    id.split(separator: "/", omittingEmptySubsequences: false)
      .map { HTMLText.escape(String($0)) }
      .joined(separator: "/<wbr>")
  }

  private static func tensorTable(_ tensors: [ComparisonResult]) -> String {
    guard !tensors.isEmpty else { return "<p>No tensor comparisons.</p>\n" }
    var html =
      "<table class=\"tensors\"><thead><tr><th>tensor</th><th>check</th><th>result</th><th>elements</th><th>mismatched</th><th>bits differ</th><th>max abs err</th><th>max rel err</th><th>max ULP</th><th>worst index</th><th>actual</th><th>expected</th><th>rtol / atol</th><th>golden</th></tr></thead><tbody>\n"
    for t in tensors {
      let f = t.figures
      let cells: [String] = [
        t.name ?? "", t.mode.rawValue, t.passed ? "pass" : (t.attributeMismatch?.message ?? "fail"),
        f.map { String($0.elementCount) } ?? "", f.map { String($0.mismatchCount) } ?? "",
        f.map { String($0.bitwiseMismatchCount) } ?? "",
        f.map { SVGPlot.scientific($0.maxAbsoluteError) } ?? "",
        f.map { SVGPlot.scientific($0.maxRelativeError) } ?? "",
        f.map { String($0.maxULPDistance) } ?? "",
        f?.worstIndex.map { PythonRepr.tuple($0) } ?? "", f?.worstActual ?? "",
        f?.worstExpected ?? "",
        f.map {
          "\(PythonRepr.float($0.tolerance.relative)) / \(PythonRepr.float($0.tolerance.absolute))"
        } ?? "",
        t.golden ?? "",
      ]
      html +=
        "<tr class=\"\(t.passed ? "pass" : "fail")\">"
        + cells.map { "<td>\(HTMLText.escape($0))</td>" }.joined() + "</tr>\n"
    }
    return html + "</tbody></table>\n"
  }
}
