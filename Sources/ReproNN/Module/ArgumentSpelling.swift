/// How a constructor argument was written, for the attributes PyTorch stores as given.
///
/// `nn.MaxPool2d(2)` keeps `kernel_size = 2` while `nn.MaxPool2d((2, 2))` keeps the tuple, and
/// `nn.Dropout(0)` keeps the int `0`; a whole-module file pickles whichever object the module
/// holds. In one Python expression equal tuple literals are one object (CPython merges
/// constants), so torch.save writes the second one as a memo reference.
public enum ArgumentSpelling: Sendable, Hashable {
  /// A Python `int` (`2`), where a tuple or a float would also be accepted.
  case int
  /// A `float` (`0.5`).
  case float
  /// A tuple (or list) literal (`(2, 3)`).
  case tuple
  /// Not given: the attribute takes its default (a pooling `stride` is then the `kernel_size`
  /// object itself).
  case omitted
}
