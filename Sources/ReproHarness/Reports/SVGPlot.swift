import Foundation

/// Small inline SVG charts for the HTML report (no script, no external resources).
enum SVGPlot {
  /// A labelled bar.
  struct Bar {
    var label: String
    var value: Double
    var title: String
    var cssClass: String = "bar"
  }

  /// A vertical bar chart (a histogram): one bar per bucket, counts on top, labels below.
  static func columns(
    _ bars: [Bar], id: String, caption: String, width: Int = 640, height: Int = 220
  ) -> String {
    let top = 24.0
    let bottom = 46.0
    let left = 8.0
    let plotH = Double(height) - top - bottom
    let right = 36.0
    let slot = (Double(width) - left - right) / Double(Swift.max(bars.count, 1))
    let maxValue = bars.map(\.value).max() ?? 0
    var svg = """
      <svg id="\(id)" class="plot" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(HTMLText.escape(caption))">
      <title>\(HTMLText.escape(caption))</title>
      <line x1="\(left)" y1="\(top + plotH)" x2="\(Double(width) - right)" y2="\(top + plotH)" class="axis"/>

      """
    for (i, bar) in bars.enumerated() {
      let h = maxValue > 0 ? plotH * bar.value / maxValue : 0
      let x = left + Double(i) * slot + slot * 0.1
      let y = top + plotH - h
      svg +=
        "<g class=\"\(HTMLText.escape(bar.cssClass))\"><title>\(HTMLText.escape(bar.title))</title>"
      svg += "<rect x=\(q(x)) y=\(q(y)) width=\(q(slot * 0.8)) height=\(q(h))/>"
      svg +=
        "<text x=\(q(x + slot * 0.4)) y=\(q(y - 4)) class=\"count\">\(format(bar.value))</text>"
      svg +=
        "<text x=\(q(x + slot * 0.4)) y=\(q(top + plotH + 14)) class=\"label\" transform=\"rotate(30 \(fmt(x + slot * 0.4)) \(fmt(top + plotH + 14)))\">\(HTMLText.escape(bar.label))</text></g>\n"
    }
    return svg + "</svg>"
  }

  /// The advance of one character of the charts' 11 px monospace text (0.6 em in DejaVu Sans
  /// Mono and Liberation Mono), rounded up.
  static let monospaceAdvance = 6.7

  /// The longest row label in characters; longer ones are shortened in the middle with `…` (the
  /// full name stays in the row's tooltip).
  static let maxLabelCharacters = 72

  /// A horizontal bar chart on a log10 scale: one row per bar, label left, value right.
  ///
  /// Labels and values are set in monospace, so their width is known: the label column is as
  /// wide as the longest label (at most `maxLabelCharacters`), and the chart grows with it
  /// instead of clipping the labels at its left edge.
  static func logRows(_ bars: [Bar], id: String, caption: String, plotWidth: Int = 320) -> String {
    let row = 18.0
    let labels = bars.map { shortened($0.label, to: maxLabelCharacters) }
    let longest = labels.map(\.count).max() ?? 0
    let labelW = (Double(Swift.max(longest, 6)) * monospaceAdvance).rounded(.up) + 12
    let valueW = 8 * monospaceAdvance + 8
    let plotW = Double(plotWidth)
    let width = Int((labelW + plotW + valueW).rounded(.up))
    let height = Int(Double(bars.count) * row + 30)
    let finite = bars.map(\.value).filter { $0 > 0 && $0.isFinite }
    let lo = floor(log10(finite.min() ?? 1e-12)) - 1
    let hi = ceil(log10(finite.max() ?? 1))
    let span = Swift.max(hi - lo, 1)
    var svg = """
      <svg id="\(id)" class="plot" xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(HTMLText.escape(caption))">
      <title>\(HTMLText.escape(caption))</title>

      """
    for (i, bar) in bars.enumerated() {
      let y = 10 + Double(i) * row
      let w: Double
      if bar.value.isNaN || bar.value.isInfinite {
        w = plotW
      } else if bar.value <= 0 {
        w = 1
      } else {
        w = Swift.max(1, plotW * (log10(bar.value) - lo) / span)
      }
      svg +=
        "<g class=\"\(HTMLText.escape(bar.cssClass))\"><title>\(HTMLText.escape(bar.title))</title>"
      svg +=
        "<text x=\(q(labelW - 6)) y=\(q(y + 12)) class=\"label end mono\">\(HTMLText.escape(labels[i]))</text>"
      svg += "<rect x=\(q(labelW)) y=\(q(y + 2)) width=\(q(w)) height=\(q(row - 5))/>"
      svg +=
        "<text x=\(q(labelW + w + 4)) y=\(q(y + 12)) class=\"count mono\">\(HTMLText.escape(Self.scientific(bar.value)))</text></g>\n"
    }
    let axisY = 10 + Double(bars.count) * row + 12
    svg += "<text x=\(q(labelW)) y=\(q(axisY)) class=\"label\">1e\(Int(lo))</text>"
    svg +=
      "<text x=\(q(labelW + plotW)) y=\(q(axisY)) class=\"label end\">1e\(Int(hi)) (log scale)</text>\n"
    return svg + "</svg>"
  }

  /// `text` if it has at most `limit` characters, else its start and end around `…`.
  static func shortened(_ text: String, to limit: Int) -> String {
    guard text.count > limit, limit > 1 else { return text }
    let tail = (limit - 1) / 2
    return String(text.prefix(limit - 1 - tail)) + "…" + String(text.suffix(tail))
  }

  /// `1.2e-05`, `0`, `nan`, `inf`.
  static func scientific(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v < 0 ? "-inf" : "inf" }
    if v == 0 { return "0" }
    return String(format: "%.2g", v)
  }

  private static func q(_ v: Double) -> String { "\"\(fmt(v))\"" }
  private static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
  private static func format(_ v: Double) -> String {
    v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
  }
}
