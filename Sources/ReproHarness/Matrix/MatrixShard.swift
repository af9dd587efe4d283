/// One shard of a matrix: part `index` of `count` (1-based), written `index/count` as in
/// `repro run --shard 2/4`.
///
/// Shard `i` of `n` holds every `n`-th case starting at the `i`-th, so the `n` shards partition
/// the matrix and each runs on its own CI node; `repro report --from` merges their results.
///
/// ```swift
/// let shard = MatrixShard("2/4")        // index 2, count 4
/// let part = Matrix.standard.shard(shard!)
/// ```
public struct MatrixShard: Hashable, Sendable, LosslessStringConvertible {
  /// The shard's position, from 1 to `count`.
  public let index: Int
  /// How many shards the matrix is split into (at least 1).
  public let count: Int

  /// Creates shard `index` of `count`, or nil unless `1 <= index <= count`.
  public init?(index: Int, count: Int) {
    guard count >= 1, (1...count).contains(index) else { return nil }
    self.index = index
    self.count = count
  }

  /// Parses `i/n` (two decimal integers, no spaces), or returns nil unless `1 <= i <= n`.
  public init?(_ description: String) {
    let parts = description.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
      let index = Int(parts[0]), let count = Int(parts[1])
    else { return nil }
    self.init(index: index, count: count)
  }

  /// The shard as `i/n`.
  public var description: String { "\(index)/\(count)" }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
