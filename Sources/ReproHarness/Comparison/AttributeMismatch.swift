/// Two tensors differ in an attribute that is checked before any value (shape, stride, device,
/// dtype), in PyTorch's words.
public struct AttributeMismatch: Sendable, Hashable, Codable {
  /// The attribute as `assert_close` names it: `shape`, `stride()`, `device`, `dtype`.
  public var attribute: String
  /// The actual side as PyTorch prints it (`torch.Size([2, 3])`, `(3, 1)`, `cpu`, `torch.float32`).
  public var actual: String
  /// The expected side as PyTorch prints it.
  public var expected: String

  /// Creates a mismatch record.
  public init(attribute: String, actual: String, expected: String) {
    self.attribute = attribute
    self.actual = actual
    self.expected = expected
  }

  /// The message `assert_close` raises for this mismatch.
  ///
  /// For example "The values for attribute 'shape' do not match: torch.Size([2, 3]) !=
  /// torch.Size([3, 2])."
  public var message: String {
    "The values for attribute '\(attribute)' do not match: \(actual) != \(expected)."
  }
}
