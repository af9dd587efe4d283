/// A test fixture that cannot be found or read: a missing repository root, golden file or
/// binary, or JSON of an unexpected shape.
public struct TestSupportError: Error, Sendable, CustomStringConvertible {
  /// What is wrong and where.
  public var description: String

  /// Creates an error.
  public init(_ description: String) {
    self.description = description
  }
}
