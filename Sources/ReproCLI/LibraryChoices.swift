public import ArgumentParser
public import ReproHarness
public import ReproNN
public import ReproTensor

// Library enums that are command-line choices as they are: `--help` lists their raw values and
// a value outside them is refused with exit code 64.

extension TrainingRun.OptimizerKind: ExpressibleByArgument {}

extension Generator.Capability: ExpressibleByArgument {}

extension ModelGeneration.Mode: ExpressibleByArgument {}

extension MatrixShard: ExpressibleByArgument {
  /// Parses `i/n` with `1 <= i <= n`.
  public init?(argument: String) { self.init(argument) }
}

extension RecordMode: ExpressibleByArgument {
  /// Parses `never`, `missing`, `failed` or `all` (and `REPRO_RECORD`'s aliases `0`/`1`).
  public init?(argument: String) { self.init(argument) }

  /// The modes `--help` lists.
  public static var allValueStrings: [String] { [never, missing, failed, all].map(\.description) }
}
