import ArgumentParser
import ReproHarness

/// The `repro` command: verifiable PyTorch checkpoints from the command line.
@main
struct Repro: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repro",
    abstract: "Make PyTorch checkpoints verifiable: inspect, generate, compare and convert them.",
    version: ReproVersion.string,
    subcommands: [
      InspectCommand.self, ConvertCommand.self, GenerateCommand.self, CompareCommand.self,
      DiffCommand.self,
      GoldenCommand.self,
      TrainCommand.self, RunCommand.self, SuiteCommand.self, ReportCommand.self, RandomCommand.self,
    ]
  )
}
