import Foundation
public import ReproHarness

/// A one-line progress bar for `repro run` on standard error, drawn only when standard error
/// is a terminal (CI logs stay clean).
public struct ProgressBar: Sendable {
  /// The bar's width in characters.
  public var width = 30
  /// Whether anything is drawn.
  public let isTerminal: Bool

  /// Creates a bar that draws when standard error is a terminal.
  public init() {
    isTerminal = isatty(STDERR_FILENO) != 0
  }

  /// The line for a progress report: `[#####.....] 3/10 1 failed  <case id>`.
  public func line(for p: MatrixProgress) -> String {
    let filled = p.total == 0 ? width : width * p.done / p.total
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    return "[\(bar)] \(p.done)/\(p.total) \(p.failed) failed  \(p.last.id)"
  }

  /// Redraws the bar in place.
  public func advance(_ p: MatrixProgress) {
    guard isTerminal else { return }
    var stderr = StandardError()
    print("\r\(line(for: p))\u{1B}[K", terminator: "", to: &stderr)
  }

  /// Erases the bar.
  public func finish() {
    guard isTerminal else { return }
    var stderr = StandardError()
    print("\r\u{1B}[K", terminator: "", to: &stderr)
  }
}
