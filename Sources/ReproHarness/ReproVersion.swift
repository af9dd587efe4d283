/// The version of Repro, written into results (`RunEnvironment.reproVersion`), the golden
/// manifest's `generator` and printed by `repro --version`.
public enum ReproVersion {
  /// The version string (`0.1.0`).
  public static let string = "0.1.0"
}
