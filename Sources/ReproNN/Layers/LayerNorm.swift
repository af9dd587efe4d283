public import ReproTensor

/// Layer normalisation over the trailing `normalizedShape` dimensions (`nn.LayerNorm`).
///
/// `weight` starts at ones and `bias` at zeros; nothing is drawn from the generator.
public final class LayerNorm: Module {
  /// The trailing dimensions normalised over (`normalized_shape`).
  public let normalizedShape: [Int]
  /// Added to the variance (`eps`).
  public let eps: Double
  /// Whether the layer has `weight` (and `bias`) (`elementwise_affine`).
  public let elementwiseAffine: Bool

  /// Creates the layer with PyTorch's parameters and registration order.
  public init(
    _ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true,
    bias: Bool = true, dtype: DType = .float32
  ) {
    self.normalizedShape = normalizedShape
    self.eps = eps
    self.elementwiseAffine = elementwiseAffine
    super.init(typeName: "LayerNorm")
    guard elementwiseAffine else {
      registerParameter("weight", nil)
      registerParameter("bias", nil)
      return
    }
    registerParameter("weight", Parameter(Initializers.filled(normalizedShape, 1, dtype: dtype)))
    registerParameter(
      "bias", bias ? Parameter(Tensor(zeros: normalizedShape, dtype: dtype)) : nil)
  }

  /// `F.layer_norm(x, normalized_shape, weight, bias, eps)`.
  ///
  /// - Throws: `NNError` `.shapeMismatch` when the input's trailing dims are not
  ///   `normalizedShape`.
  public override func forward(_ input: Variable) throws -> Variable {
    guard input.shape.count >= normalizedShape.count,
      Array(input.shape.suffix(normalizedShape.count)) == normalizedShape
    else {
      throw NNError(
        .shapeMismatch,
        "Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(input.shape)"
      )
    }
    return try input.layerNorm(
      normalizedCount: normalizedShape.count, weight: parameter("weight").map { Variable($0) },
      bias: parameter("bias").map { Variable($0) }, eps: eps)
  }
}
