public import ReproTensor

/// A safetensors file: named tensors plus string metadata, as `safetensors.torch` reads and
/// writes them (safetensors 0.8; torch-format.md section f).
///
/// Loading checks everything the Rust reader checks (header size, UTF-8, JSON, dtypes, offsets
/// that tile the data section exactly) and throws a `FormatError` that names the problem.
/// Tensors loaded from a `Storage` are views into it, without a copy, whenever their byte offset
/// is a multiple of their element size (always true for files written by safetensors, whose data
/// section starts 8-aligned). Writing produces the bytes `safetensors.torch.save_file` produces.
///
/// ```swift
/// let file = try SafeTensorsFile.load(contentsOf: URL(fileURLWithPath: "model.safetensors"))
/// for (name, tensor) in file.tensors { print(name, tensor.dtype, tensor.shape) }
/// try SafeTensorsFile(tensors: file.tensors, metadata: ["format": "pt"]).write(to: copyURL)
/// ```
public struct SafeTensorsFile: Sendable {
  /// The tensors, in the order of the file's JSON header when loaded.
  public var tensors: [(name: String, tensor: Tensor)]
  /// The `__metadata__` entries (empty when the file has none).
  public var metadata: [String: String]

  /// Creates a file from named tensors and metadata.
  ///
  /// - Parameters:
  ///   - tensors: the tensors; names must be unique when the file is serialized.
  ///   - metadata: the `__metadata__` strings; an empty dictionary writes no `__metadata__`.
  public init(tensors: [(name: String, tensor: Tensor)] = [], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The tensor named `name`, if any.
  public subscript(_ name: String) -> Tensor? {
    tensors.first { $0.name == name }?.tensor
  }

  /// The largest header the Rust reader accepts (`header too large` above it).
  public static let maximumHeaderLength = 100_000_000

  /// The safetensors dtype names ReproTensor has, with the rank the writer sorts by.
  ///
  /// The rank is the position in safetensors 0.8's `Dtype` enum (`BOOL < F4 < F6_E2M3 < F6_E3M2 < U8 < I8 <
  /// F8_E5M2 < F8_E4M3 < F8_E8M0 < F8_E4M3FNUZ < F8_E5M2FNUZ < I16 < U16 < F16 < BF16 < I32 <
  /// U32 < F32 < C64 < F64 < I64 < U64`, measured with `save_file`); tensors are written by rank
  /// descending, then by name. complex128 and complex32 have no rank: safetensors cannot store
  /// them.
  static let dtypeRank: [DType: Int] = [
    .bool: 0, .uint8: 4, .int8: 5, .float8E5M2: 6, .float8E4M3FN: 7, .float8E8M0FNU: 8,
    .float8E4M3FNUZ: 9, .float8E5M2FNUZ: 10, .int16: 11, .uint16: 12, .float16: 13,
    .bfloat16: 14, .int32: 15, .uint32: 16, .float32: 17, .complex64: 18, .float64: 19,
    .int64: 20, .uint64: 21,
  ]

  /// safetensors dtype names that are valid in the format but have no ReproTensor dtype.
  static let unsupportedDTypeNames: Set<String> = ["F4", "F6_E2M3", "F6_E3M2"]

  /// The ReproTensor dtype for a safetensors dtype name (`F16` → float16); nil for names outside
  /// the format (complex128 has no safetensors name: `C128` is refused like the Rust reader does).
  static func dtype(safetensorsName name: String) -> DType? {
    guard let d = DType(safetensorsName: name), dtypeRank[d] != nil else { return nil }
    return d
  }
}
