public import ReproTensor

/// A lookup table of `num` vectors of `dim` values (`nn.Embedding`).
///
/// Initialisation matches PyTorch bit for bit: `normal_(weight)` (mean 0, std 1), then the
/// `padding_idx` row set to zero.
public final class Embedding: Module {
  /// Rows of the table (`num_embeddings`).
  public let numEmbeddings: Int
  /// Values per row (`embedding_dim`).
  public let embeddingDim: Int
  /// The row whose gradient is always zero, already made non-negative (`padding_idx`).
  public let paddingIdx: Int?

  /// Creates the table and initialises it from `generator` as PyTorch does.
  ///
  /// - Parameter paddingIdx: a row in `-num..<num` (negative counts from the end), or nil.
  /// - Precondition: `paddingIdx` is within range (the spec factory checks it with a message).
  public init(
    _ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, dtype: DType = .float32,
    generator: Generator
  ) {
    self.numEmbeddings = numEmbeddings
    self.embeddingDim = embeddingDim
    let padding = paddingIdx.map { $0 < 0 ? numEmbeddings + $0 : $0 }
    precondition(
      padding.map { (0..<numEmbeddings).contains($0) } ?? true, "padding_idx out of range")
    self.paddingIdx = padding
    super.init(typeName: "Embedding")
    let weight = Tensor(zeros: [numEmbeddings, embeddingDim], dtype: dtype)
    Initializers.normal(weight, generator: generator)
    if let padding {
      for j in 0..<embeddingDim {
        weight.setScalar(.float(0), atStorageIndex: padding * embeddingDim + j)
      }
    }
    registerParameter("weight", Parameter(weight))
  }

  /// `F.embedding(input, weight, padding_idx)`: the rows of `weight` the integer `input` picks.
  public override func forward(_ input: Variable) throws -> Variable {
    guard let weight = parameter("weight") else {
      throw NNError(.invalidArgument, "Embedding has no weight parameter")
    }
    return try Variable.embedding(input.value, weight: Variable(weight), paddingIdx: paddingIdx)
  }
}
