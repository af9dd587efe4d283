extension HTMLReport {
  /// The marks, with the ids of their count tiles, in the order the section shows them.
  static let baselineTiles: [(BaselineComparison.Mark, String, String)] = [
    (.newFailure, "baseline-new-failures", "new failures"), (.fixed, "baseline-fixed", "fixed"),
    (.unchanged, "baseline-unchanged", "unchanged"), (.new, "baseline-new", "new"),
    (.gone, "baseline-gone", "gone"),
  ]

  /// The section comparing the run with its baseline: a tile per mark, a table of the new
  /// failures, fixed and gone cases (`#baseline-changes`), and the new cases.
  static func baselineSection(_ b: BaselineComparison) -> String {
    var html = """
      <section id="baseline"><h2>Against the baseline</h2>
      <p class="subtitle">Compared with <code>\(HTMLText.escape(b.source))</code>, a run started \(HTMLText.escape(ReportTime.junit(b.baselineStartedAt))) UTC on \(HTMLText.escape(b.baselineHostname)).</p>
      <div class="tiles">
      """
    for (mark, id, label) in baselineTiles {
      html +=
        "<div class=\"tile \(mark.token)\"><span id=\"\(id)\" class=\"n\">\(b.count(mark))</span> \(label)</div>"
    }
    html += "</div>\n"
    let changes =
      b.entries(marked: .newFailure) + b.entries(marked: .fixed) + b.entries(marked: .gone)
    if changes.isEmpty {
      html += "<p>No case changed its verdict.</p>\n"
    } else {
      html +=
        "<div class=\"scroll\"><table id=\"baseline-changes\"><thead><tr><th>change</th><th>case</th><th>now</th><th>in the baseline</th><th>message</th></tr></thead><tbody>\n"
      for e in changes { html += row(e) }
      html += "</tbody></table></div>\n"
    }
    let new = b.entries(marked: .new)
    if !new.isEmpty {
      html +=
        "<details id=\"baseline-new-cases\"><summary>\(new.count) new case\(new.count == 1 ? "" : "s") (not in the baseline)</summary><div class=\"scroll\"><table><tbody>\n"
      for e in new { html += row(e) }
      html += "</tbody></table></div></details>\n"
    }
    return html + "</section>\n"
  }

  private static func row(_ e: BaselineComparison.Entry) -> String {
    let mark = e.mark
    let now = e.status.map { "<span class=\"badge \($0.rawValue)\">\($0.rawValue)</span>" } ?? "—"
    let before =
      e.baselineStatus.map { "<span class=\"badge \($0.rawValue)\">\($0.rawValue)</span>" } ?? "—"
    return
      "<tr class=\"\(mark.token)\"><td><span class=\"mark \(mark.token)\">\(mark.rawValue)</span></td><td class=\"id\">\(breakable(e.id))</td><td>\(now)</td><td>\(before)</td><td class=\"msg\">\(HTMLText.escape(e.message))</td></tr>\n"
  }
}
