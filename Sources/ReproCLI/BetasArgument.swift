public import ArgumentParser
import Foundation

/// A `--betas` value for Adam and AdamW: two numbers `b1,b2` such as `0.9,0.999`.
public struct BetasArgument: ExpressibleByArgument, Sendable {
  /// The coefficients of the running averages of the gradient and of its square.
  public let betas: (Double, Double)

  /// Parses two comma-separated decimal numbers (spaces allowed), or returns nil.
  public init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    guard parts.count == 2, let b1 = parts[0], let b2 = parts[1] else { return nil }
    betas = (b1, b2)
  }
}
