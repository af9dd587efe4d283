public import ArgumentParser

/// The exit codes of `repro`.
///
/// | code | meaning |
/// | --- | --- |
/// | 0 | success |
/// | 1 | a check found a difference (`failure`) |
/// | 2 | a file could not be read, parsed or written (`inputError`) |
/// | 64 | a usage error: a bad option value, a bad model spec, an impossible request (`usage`) |
public enum ReproExit {
  /// A check found a difference: exit code 1.
  public static let failure = ExitCode(1)
  /// A file could not be read, parsed or written: exit code 2.
  public static let inputError = ExitCode(2)
  /// The command line asks for something impossible: exit code 64 (`EX_USAGE`), the code
  /// ArgumentParser gives a `ValidationError`.
  public static let usage = ExitCode.validationFailure
}
