public import ArgumentParser
public import ReproTensor

/// What `repro random` draws, each as one PyTorch call after `torch.manual_seed(S)`.
public enum RandomDistribution: String, CaseIterable, ExpressibleByArgument, Sendable {
  /// `torch.rand`.
  case uniform
  /// `torch.randn`.
  case normal
  /// `torch.randint(low, high, shape)`.
  case randint
  /// `torch.randperm(n)`.
  case randperm

  /// The dtype PyTorch uses when none is given: float32 for `rand`/`randn`, int64 otherwise.
  public var defaultDType: RandomDTypeChoice {
    switch self {
    case .uniform, .normal: .float32
    case .randint, .randperm: .int64
    }
  }

  /// Draws from a generator as the PyTorch call does.
  ///
  /// - Parameters:
  ///   - generator: the generator, freshly seeded.
  ///   - shape: the shape; for `randperm`, its first size is `n`.
  ///   - dtype: the element type.
  ///   - low: `randint`'s smallest value.
  ///   - high: `randint`'s bound (exclusive).
  /// - Returns: the drawn tensor.
  /// - Throws: `TensorError` for a dtype or range the call refuses.
  public func draw(
    from generator: Generator, shape: [Int], dtype: DType, low: Int64 = 0, high: Int64 = 1
  ) throws -> Tensor {
    switch self {
    case .uniform: try generator.rand(shape: shape, dtype: dtype)
    case .normal: try generator.randn(shape: shape, dtype: dtype)
    case .randint: try generator.randint(low: low, high: high, shape: shape, dtype: dtype)
    case .randperm: try generator.randperm(shape.first ?? 0, dtype: dtype)
    }
  }
}
