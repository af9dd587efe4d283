import Foundation
import ReproTestSupport
import Testing

/// Whole `--help` screens of the built binary, compared character for character
/// (swift-argument-parser's `AssertHelp` style).
@Suite struct HelpScreenTests {
  @Test(arguments: HelpScreen.all)
  func helpScreenIsExactly(_ screen: HelpScreen) throws {
    let r = try ReproBinary.run(screen.command + ["--help"])
    #expect(r.status == 0)
    #expect(r.stderr == "")
    #expect(r.stdout == screen.text)
  }

  /// `repro help train` prints the same screen as `repro train --help`.
  @Test(arguments: HelpScreen.all.filter { !$0.command.isEmpty })
  func helpSubcommandPrintsTheSameScreen(_ screen: HelpScreen) throws {
    let r = try ReproBinary.run(["help"] + screen.command)
    #expect(r.status == 0)
    #expect(r.stdout == screen.text)
  }

  /// Every subcommand listed by `repro --help`, `repro golden --help` and `repro suite --help`
  /// has a screen here.
  @Test func everySubcommandHasAScreen() throws {
    var listed: [[String]] = [[]]
    for parent in [[], ["golden"], ["suite"]] {
      let text = try ReproBinary.run(parent + ["--help"]).stdout
      let section = try #require(text.components(separatedBy: "SUBCOMMANDS:\n").last)
      for line in section.split(separator: "\n")
      where line.hasPrefix("  ") && !line.hasPrefix("   ") {
        let name = line.split(separator: " ").first.map(String.init) ?? ""
        if name != "See" { listed.append(parent + [name]) }
      }
    }
    #expect(listed.count == HelpScreen.all.count)
    #expect(Set(listed) == Set(HelpScreen.all.map(\.command)))
  }
}
