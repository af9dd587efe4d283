public import ArgumentParser

/// A `--seed` value with the semantics of `torch.manual_seed`: any integer in
/// [-2^63, 2^64), negative values wrapping modulo 2^64.
///
/// PyTorch 2.13 stores the seed as a `uint64_t`: `torch.manual_seed(-1); torch.initial_seed()`
/// is `18446744073709551615`, and a seed outside [-2^63, 2^64) raises
/// `ValueError: Overflow when unpacking long long` (Golden/pytorch/seed/seeds.json, from
/// Scripts/make_seed_goldens.py). `torch.Generator().manual_seed` does the same.
public struct Seed: ExpressibleByArgument, Hashable, Sendable {
  /// The seed as PyTorch's generator holds it (`torch.initial_seed()`).
  public let value: UInt64

  /// Creates a seed from the generator's value.
  public init(_ value: UInt64) {
    self.value = value
  }

  /// Parses a decimal integer in [-2^63, 2^64), or returns nil.
  public init?(argument: String) {
    if let u = UInt64(argument) {
      value = u
    } else if let i = Int64(argument) {
      value = UInt64(bitPattern: i)
    } else {
      return nil
    }
  }

  /// The value shown as a default in `--help`.
  public var defaultValueDescription: String { String(value) }
}
