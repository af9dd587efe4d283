public import Foundation
import ReproTensor

/// Writes a run as one self-contained HTML page: no network, no external file; CSS, script and
/// SVG plots are inline.
///
/// The page shows, top to bottom: the summary counts and duration (`#count-tests`,
/// `#count-passed`, `#count-failures`, `#count-errors`, `#count-skipped`, `#duration`), a
/// colored matrix of models against dtypes, formats and devices (each cell passed/total, colored
/// by its worst status; a click filters the cases), an error histogram over every tensor
/// comparison and the largest error per tensor (inline SVG), the cases (one `tbody.case` each,
/// with its axes, time and first failure, and a `<details>` holding every tensor's figures and
/// the full failure text), a filter box, and the environment. Against a baseline
/// (`BaselineComparison`), a section after the summary counts the marks and lists the new
/// failures, fixed, gone and new cases, and each case shows its mark next to its status.
///
/// The filter box takes words (substring match on id, model, axes, status, message) and
/// `axis=value[,value]` terms (`dtype=float16,bfloat16 status=fail`, `baseline=new-failure`);
/// all terms must hold. A `#filter=...` fragment in the URL fills it in on load.
///
/// Every piece of text goes through `HTMLText.escape`.
public enum HTMLReport {
  /// The page for a run.
  ///
  /// - Parameters:
  ///   - run: the run.
  ///   - title: the page's title and heading.
  ///   - baseline: the run compared with a previous one, or nil.
  public static func render(
    _ run: RunResult, title: String = "Repro report", baseline: BaselineComparison? = nil
  ) -> String {
    let s = run.summary
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(HTMLText.escape(title))</title>
      <style>\(stylesheet)</style>
      </head>
      <body>
      <header>
      <h1>\(HTMLText.escape(title))</h1>
      <p class="subtitle">Started \(HTMLText.escape(ReportTime.junit(run.startedAt))) UTC on \(HTMLText.escape(run.environment.hostname))\(run.shards.isEmpty ? "" : " · shards " + HTMLText.escape(run.shards.joined(separator: ", ")))</p>
      </header>
      <section id="summary" class="tiles \(s.isSuccess ? "ok" : "bad")">
      <div class="tile"><span id="count-tests" class="n">\(s.tests)</span> tests</div>
      <div class="tile pass"><span id="count-passed" class="n">\(s.passed)</span> passed</div>
      <div class="tile fail"><span id="count-failures" class="n">\(s.failures)</span> failed</div>
      <div class="tile error"><span id="count-errors" class="n">\(s.errors)</span> errors</div>
      <div class="tile skip"><span id="count-skipped" class="n">\(s.skipped)</span> skipped</div>
      <div class="tile"><span id="duration" class="n">\(ReportTime.seconds(run.duration))</span> s</div>
      </section>

      """
    let marks = BaselineMarks(baseline, run: run)
    if let baseline { html += baselineSection(baseline) }
    html += matrixSection(run)
    html += plotsSection(run)
    html += casesSection(run, marks: marks)
    html += environmentSection(run.environment)
    html += "<script>\(script)</script>\n</body>\n</html>\n"
    return html
  }

  /// Writes the page to a file.
  ///
  /// - Throws: `HarnessError.Code.io` when the file cannot be written.
  public static func write(
    _ run: RunResult, to url: URL, title: String = "Repro report",
    baseline: BaselineComparison? = nil
  ) throws(HarnessError) {
    do {
      try Data(render(run, title: title, baseline: baseline).utf8).write(to: url, options: .atomic)
    } catch {
      throw HarnessError(.io, "\(url.path): cannot write the HTML report", cause: error)
    }
  }

  // MARK: - Matrix

  /// The axes shown as matrix columns, in this order, when the cases have them.
  static let matrixAxes = ["dtype", "format", "device", "mode", "route", "backend"]

  private static func matrixSection(_ run: RunResult) -> String {
    let models = run.models
    var html = "<section id=\"matrix\"><h2>Matrix</h2>\n"
    for axis in matrixAxes.prefix(3) {
      let values = Array(Set(run.cases.compactMap { $0.axes[axis] })).sorted()
      guard !values.isEmpty else { continue }
      html +=
        "<table class=\"matrix\" data-axis=\"\(HTMLText.escape(axis))\"><caption>models × \(HTMLText.escape(axis))</caption>"
      html +=
        "<thead><tr><th>model</th>" + values.map { "<th>\(HTMLText.escape($0))</th>" }.joined()
        + "</tr></thead><tbody>\n"
      for model in models {
        html += "<tr><th>\(HTMLText.escape(model))</th>"
        for value in values {
          let cases = run.cases.filter { $0.model == model && $0.axes[axis] == value }
          html += matrixCell(cases, filter: "model=\(token(model)) \(axis)=\(token(value))")
        }
        html += "</tr>\n"
      }
      html += "</tbody></table>\n"
    }
    return html + "</section>\n"
  }

  static func matrixCell(_ cases: [CaseResult], filter: String) -> String {
    guard !cases.isEmpty else { return "<td class=\"cell none\">—</td>" }
    let s = RunResult.Summary(cases)
    let status =
      s.errors > 0 ? "error" : s.failures > 0 ? "fail" : s.passed > 0 ? "pass" : "skip"
    let title = "\(s.passed) passed, \(s.failures) failed, \(s.errors) errors, \(s.skipped) skipped"
    return
      "<td class=\"cell \(status)\" data-filter=\"\(HTMLText.escape(filter))\" title=\"\(title)\">\(s.passed)/\(s.tests)</td>"
  }

  // MARK: - Plots

  private static func plotsSection(_ run: RunResult) -> String {
    let all = run.cases.flatMap { c in c.tensors.compactMap { t in t.figures.map { (c, t, $0) } } }
    var html = "<section id=\"plots\"><h2>Errors</h2>\n"
    guard !all.isEmpty else { return html + "<p>No tensor comparisons recorded.</p></section>\n" }
    // Histogram of the max absolute error of each comparison, by decade.
    var buckets: [(String, Int)] = [("0", 0)]
    for e in -12...2 { buckets.append(("1e\(e)", 0)) }
    buckets.append(("nan/inf", 0))
    for (_, _, f) in all {
      let v = f.maxAbsoluteError
      if v == 0 {
        buckets[0].1 += 1
      } else if !v.isFinite {
        buckets[buckets.count - 1].1 += 1
      } else {
        let decade = Swift.min(Swift.max(Int(floor(log10(v))), -12), 2)
        buckets[decade + 13].1 += 1
      }
    }
    let bars = buckets.map { label, n in
      SVGPlot.Bar(
        label: label, value: Double(n),
        title: "\(n) tensor comparisons with max |actual − expected| "
          + (label == "0"
            ? "= 0" : label == "nan/inf" ? "nan or inf" : "in [\(label), 10×\(label))"),
        cssClass: label == "0" ? "bar exact" : label == "nan/inf" ? "bar bad" : "bar")
    }
    html +=
      "<figure><figcaption>Max absolute error per tensor comparison (\(all.count) comparisons, by decade)</figcaption>"
    html += SVGPlot.columns(bars, id: "error-histogram", caption: "Error histogram") + "</figure>\n"
    // The largest error of each tensor name across cases.
    var worst: [String: (value: Double, caseID: String)] = [:]
    var failedNames = Set<String>()
    for (c, t, f) in all {
      let name = t.name ?? "(unnamed)"
      if !t.passed { failedNames.insert(name) }
      let v = f.maxAbsoluteError
      if let old = worst[name], old.value.isNaN || !(v.isNaN || v > old.value) { continue }
      worst[name] = (v, c.id)
    }
    let top = worst.sorted { a, b in
      if a.value.value.isNaN != b.value.value.isNaN { return a.value.value.isNaN }
      return a.value.value > b.value.value || (a.value.value == b.value.value && a.key < b.key)
    }.prefix(25)
    let rows = top.map { name, v in
      SVGPlot.Bar(
        label: name, value: v.value,
        title:
          "\(name): max |actual − expected| = \(SVGPlot.scientific(v.value)) in case \(v.caseID)",
        cssClass: failedNames.contains(name) ? "bar bad" : "bar")
    }
    html +=
      "<figure><figcaption>Largest absolute error per tensor (top \(rows.count) of \(worst.count))</figcaption>"
    html +=
      SVGPlot.logRows(rows, id: "tensor-errors", caption: "Largest error per tensor")
      + "</figure>\n"
    return html + "</section>\n"
  }

  // MARK: - Environment

  static func environmentSection(_ env: RunEnvironment) -> String {
    var html = "<section id=\"environment\"><h2>Environment</h2><table class=\"env\">\n"
    for (name, value) in JUnitReport.environmentProperties(env) + [("hostname", env.hostname)] {
      html += "<tr><th>\(HTMLText.escape(name))</th><td>\(HTMLText.escape(value))</td></tr>\n"
    }
    return html + "</table></section>\n"
  }

  /// A filter token: lowercased, spaces replaced so a token stays one word.
  static func token(_ s: String) -> String {
    s.lowercased().replacingOccurrences(of: " ", with: "_")
  }
}
