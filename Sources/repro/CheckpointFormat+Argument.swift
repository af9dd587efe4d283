public import ArgumentParser
public import ReproFormat

// The names are module-qualified so that the conformance of ReproFormat's type to
// ArgumentParser's protocol compiles without `@retroactive` (SE-0364).
extension ReproFormat.CheckpointFormat: ArgumentParser.ExpressibleByArgument {
  /// The format named on the command line (`--to torch`, `--to safetensors`); only formats Repro
  /// writes are accepted, so `--help` lists exactly those and `--to legacy` is refused.
  public init?(argument: String) {
    guard let format = Self(rawValue: argument), format.canWrite else { return nil }
    self = format
  }

  /// The formats `--help` lists.
  public static var allValueStrings: [String] { allCases.filter(\.canWrite).map(\.rawValue) }
}
