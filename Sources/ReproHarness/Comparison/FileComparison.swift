import Foundation
public import ReproFormat
import ReproTensor

/// Compares two checkpoint files key by key, tensors and the other values alike: the engine of
/// `repro compare REFERENCE CANDIDATE`.
///
/// ```swift
/// let result = FileComparison.compare(reference, candidate, options: .init(stripPrefixes: ["module."]))
/// print(result.render())   // a summary line, then one row per failing key
/// try result.runResult(environment: env).writeReports(junit: junitURL, html: htmlURL)
/// ```
///
/// Keys are the `/`-joined paths of `Inventory` (the same as `repro inspect`), mapped as
/// `Options` says. By default a tensor passes with `torch.testing.assert_close` semantics and
/// the default tolerance of the less precise of the two dtypes, computed after upcasting both
/// floating sides to float64 (so a float32 reference and a float16 candidate compare
/// meaningfully). Integers and bool compare exactly. numpy arrays compare as tensors of their
/// dtype. Non-tensor values follow `assert_close` on Python numbers: floats (Python floats and
/// numpy floating scalars, by value) within float64's default tolerance (rtol 1e-7, atol 1e-7)
/// or `--rtol`/`--atol`; ints, bools, strings, None and every other value exactly; a change of
/// type (int to float, a tensor to a number) fails the key.
public struct FileComparison: Sendable, Codable {
  /// The verdict for one key present in both files.
  public struct Row: Sendable, Codable {
    /// The key path after mapping.
    public var key: String
    /// Whether the key is within tolerance.
    public var passed: Bool
    /// The reference's Python type: `tensor`, `ndarray`, `float`, `int`, `str`, `NoneType`, a
    /// numpy scalar's dtype (`float32`), ...
    public var referenceKind: String
    /// The candidate's Python type.
    public var candidateKind: String
    /// The reference's dtype (nil for a non-tensor value; numpy's name for an array).
    public var referenceDtype: String?
    /// The candidate's dtype (nil for a non-tensor value).
    public var candidateDtype: String?
    /// Why the key failed when no figures say it (a shape, device, dtype or type difference, a
    /// value that differs), in words.
    public var problem: String?
    /// Every shape, stride and device difference, failing or not (`stride differs: reference
    /// (2, 1), candidate (1, 2)`); strides only fail with `--bitwise`.
    public var differences: [String] = []
    /// The relative tolerance used (nil with `--bitwise` or `--max-ulp`, or for exact values).
    public var rtol: Double?
    /// The absolute tolerance used.
    public var atol: Double?
    /// The largest `|candidate - reference|`, on float64-upcast values (with `--max-ulp`, in
    /// the arithmetic of `ulpDtype`; with `--bitwise`, of the dtype).
    public var maxAbsoluteError: Double?
    /// The largest `|candidate - reference| / |reference|`.
    public var maxRelativeError: Double?
    /// The largest distance in units in the last place of `ulpDtype`, both sides rounded to it
    /// (figured for floating keys whose values differ; 0 when they are equal).
    public var maxULP: UInt64?
    /// The dtype the ULPs count in: the less precise of the two (float64 for Python floats).
    public var ulpDtype: String?
    /// Elements outside the tolerance (or unequal bytes with `--bitwise`, or farther than
    /// `--max-ulp`).
    public var mismatchCount: Int?
    /// Elements compared.
    public var elementCount: Int?
    /// The flat (row-major) index of the worst element (tensors and arrays).
    public var worstFlatIndex: Int?
    /// The reference's value there (or the reference value of a non-tensor key), as Python
    /// prints it.
    public var worstReference: String?
    /// The candidate's value there (or the candidate value of a non-tensor key).
    public var worstCandidate: String?
    /// `assert_close`'s message for a failing key (the `--max-ulp` and `--bitwise` checks'
    /// messages in its layout; for a value without one, the problem).
    public var message: String?
    /// The comparison behind the row, for reports (not part of the JSON).
    public var comparison: ComparisonResult?
    /// Seconds the key took (not part of the JSON, so that it is reproducible).
    public var seconds: Double = 0

    enum CodingKeys: String, CodingKey {
      case key, passed, referenceKind, candidateKind, referenceDtype, candidateDtype, problem
      case differences, rtol, atol, maxAbsoluteError, maxRelativeError, maxULP, ulpDtype
      case mismatchCount, elementCount, worstFlatIndex, worstReference, worstCandidate, message
    }

    /// Creates a row (the comparison builds these).
    public init(
      key: String, passed: Bool, referenceKind: String = "tensor", candidateKind: String = "tensor"
    ) {
      self.key = key
      self.passed = passed
      self.referenceKind = referenceKind
      self.candidateKind = candidateKind
    }
  }

  /// Two or more keys of one file that map to the same key (after `--strip-prefix`,
  /// `--add-prefix`, `--rename`); only the first is compared, and the comparison fails.
  public struct DuplicateKey: Sendable, Codable, Hashable {
    /// The mapped key.
    public var key: String
    /// `reference` or `candidate`.
    public var file: String
    /// The original keys that map to it, in file order.
    public var originalKeys: [String]
  }

  /// The reference file as named on the command line.
  public var reference: String
  /// The candidate file as named on the command line.
  public var candidate: String
  /// Keys of the reference the candidate lacks.
  public var missingKeys: [String] = []
  /// Keys of the candidate the reference lacks.
  public var unexpectedKeys: [String] = []
  /// Keys several entries of one file map to.
  public var duplicateKeys: [DuplicateKey] = []
  /// One row per key present in both files, in the reference's order.
  public var rows: [Row] = []

  /// Whether every key is present on both sides and within tolerance.
  public var passed: Bool {
    missingKeys.isEmpty && unexpectedKeys.isEmpty && duplicateKeys.isEmpty
      && rows.allSatisfy(\.passed)
  }

  /// The rows that failed.
  public var failedRows: [Row] { rows.filter { !$0.passed } }

  /// Compares two loaded checkpoints.
  ///
  /// - Parameters:
  ///   - reference: the expected checkpoint.
  ///   - candidate: the checkpoint under test.
  ///   - options: the verdict, the key mapping and the filters.
  ///   - referenceName: the reference's file name, for the summary and the reports.
  ///   - candidateName: the candidate's file name, for the summary and the reports.
  /// - Returns: the rows and the missing, unexpected and duplicate keys; never throws, every
  ///   difference is recorded.
  public static func compare(
    _ reference: Checkpoint, _ candidate: Checkpoint, options: Options = Options(),
    referenceName: String = "reference", candidateName: String = "candidate"
  ) -> FileComparison {
    var result = FileComparison(reference: referenceName, candidate: candidateName)
    let refEntries = mappedEntries(of: reference, isCandidate: false, options: options)
    let candEntries = mappedEntries(of: candidate, isCandidate: true, options: options)
    result.duplicateKeys =
      duplicates(refEntries, file: "reference") + duplicates(candEntries, file: "candidate")
    var candByKey: [String: Inventory.Entry] = [:]
    for (_, e) in candEntries where candByKey[e.path] == nil { candByKey[e.path] = e }
    var refKeys = Set<String>()
    for (_, r) in refEntries where refKeys.insert(r.path).inserted {
      guard let c = candByKey[r.path] else {
        result.missingKeys.append(r.path)
        continue
      }
      let start = Date()
      var row = Self.row(r, c, options: options)
      row.comparison?.golden = referenceName
      row.seconds = Date().timeIntervalSince(start)
      result.rows.append(row)
    }
    var seen = Set<String>()
    result.unexpectedKeys = candEntries.map(\.entry.path).filter {
      !refKeys.contains($0) && seen.insert($0).inserted
    }
    return result
  }

  /// The row for one key present in both files.
  static func row(_ r: Inventory.Entry, _ c: Inventory.Entry, options: Options) -> Row {
    if let rt = tensor(of: r), let ct = tensor(of: c), r.kind == c.kind {
      var row = tensorRow(key: r.path, rt, ct, options: options)
      row.referenceKind = r.kind
      row.candidateKind = c.kind
      return row
    }
    return valueRow(r, c, options: options)
  }

  /// The tensor of a `tensor` entry, or a numpy array as a tensor of its dtype.
  static func tensor(of entry: Inventory.Entry) -> Tensor? {
    if let t = entry.tensor { return t }
    guard let a = entry.array, let dtype = dtype(ofNumpy: a.dtype) else { return nil }
    let bytes = a.littleEndianCOrderBytes
    let storage = unsafe bytes.withUnsafeBytes { unsafe Storage(copying: $0) }
    return try? Tensor(
      storage: storage, dtype: dtype, shape: a.shape,
      strides: Tensor.contiguousStrides(for: a.shape))
  }

  /// The torch dtype of a numpy dtype (`torch.from_numpy`'s mapping).
  static func dtype(ofNumpy d: NumpyDType) -> DType? {
    switch (d.kind, d.itemSize) {
    case ("b", 1): .bool
    case ("i", 1): .int8
    case ("i", 2): .int16
    case ("i", 4): .int32
    case ("i", 8): .int64
    case ("u", 1): .uint8
    case ("u", 2): .uint16
    case ("u", 4): .uint32
    case ("u", 8): .uint64
    case ("f", 2): .float16
    case ("f", 4): .float32
    case ("f", 8): .float64
    case ("c", 8): .complex64
    case ("c", 16): .complex128
    default: nil
    }
  }
}
