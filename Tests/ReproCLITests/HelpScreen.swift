import Testing

/// The exact text `repro … --help` prints on an 80-column terminal, as swift-argument-parser's
/// `AssertHelp` checks it: every option, its help, the closed choices and the defaults.
struct HelpScreen: Sendable, CustomTestStringConvertible {
  /// The subcommand path (`["golden", "verify"]`; empty for `repro` itself).
  var command: [String]
  /// The whole screen, trailing blank line included.
  var text: String

  init(_ command: [String], _ text: String) {
    self.command = command
    self.text = text
  }

  var testDescription: String { (["repro"] + command).joined(separator: " ") }

  /// Every screen; `HelpScreenTests` checks that no subcommand is missing.
  static let all: [HelpScreen] = [
    repro, inspect, convert, generate, compare, diff, golden, goldenVerify, goldenRecord,
    goldenUpdate,
    train, run, suite, suiteInit, report, random,
  ]
}
