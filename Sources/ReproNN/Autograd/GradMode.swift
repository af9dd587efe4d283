/// Whether operations on `Variable`s are recorded for backward (`torch.no_grad()` turns it off).
///
/// ```swift
/// let y = try GradMode.$isEnabled.withValue(false) { try model(x) }  // no graph is built
/// ```
public enum GradMode {
  /// True unless set otherwise for the current task.
  @TaskLocal public static var isEnabled = true
}
