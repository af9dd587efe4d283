public import ArgumentParser
import Foundation

/// A `--shape` value: comma-separated non-negative sizes such as `3,4`.
public struct ShapeArgument: ExpressibleByArgument, Hashable, Sendable {
  /// The largest size one dimension may have (2^40).
  public static let maxSize = 1 << 40

  /// The sizes, outermost first.
  public let sizes: [Int]

  /// Parses `3,4` (spaces around sizes allowed), or returns nil for an empty list, a size that
  /// is not a decimal integer, a negative size or one above `maxSize`.
  public init?(argument: String) {
    var sizes: [Int] = []
    for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
      guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 0, n <= Self.maxSize
      else { return nil }
      sizes.append(n)
    }
    guard !sizes.isEmpty else { return nil }
    self.sizes = sizes
  }
}
