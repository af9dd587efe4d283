import ArgumentParser
import ReproFormat
import ReproHarness
import ReproTensor

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

  /// Runs with the arguments as bytes: a file name that is not UTF-8 reaches `open` unchanged
  /// (`CommandLine.arguments` would replace its bytes with U+FFFD).
  static func main() {
    // Most commands never multiply matrices; those that do restart the pool on their first call.
    BLAS.stopIdleThreads()
    main(PathBytes.commandLineArguments)
  }
}
