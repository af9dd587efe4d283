import Foundation
import ReproHarness
import ReproTensor
import ReproTestSupport
import Testing

/// One pair recorded by Scripts/make_comparison_vectors.py with PyTorch's verdict and message.
struct AssertClosePair: Decodable, Sendable, CustomTestStringConvertible {
  struct Options: Decodable, Sendable {
    var rtol: Double?
    var atol: Double?
    var equalNaN: Bool?
    var checkDtype: Bool?
    var checkStride: Bool?

    enum CodingKeys: String, CodingKey {
      case rtol, atol
      case equalNaN = "equal_nan"
      case checkDtype = "check_dtype"
      case checkStride = "check_stride"
    }
  }
  var name: String
  var actual: EncodedTensor
  var transposeActual: Bool
  var expected: EncodedTensor
  var options: Options
  var passed: Bool
  var message: String?

  var testDescription: String { name }

  enum CodingKeys: String, CodingKey {
    case name, actual, expected, options, passed, message
    case transposeActual = "transpose_actual"
  }

  var comparisonOptions: ComparisonOptions {
    var o = ComparisonOptions.close
    if let r = options.rtol, let a = options.atol {
      o.tolerance = Tolerance(relative: r, absolute: a)
    }
    o.equalNaN = options.equalNaN ?? false
    o.checkDtype = options.checkDtype ?? true
    o.checkStride = options.checkStride ?? false
    return o
  }

  func tensors() throws -> (Tensor, Tensor) {
    var a = try actual.tensor()
    if transposeActual { a = try a.transposed(0, 1) }
    return (a, try expected.tensor())
  }
}

struct AssertCloseVectors: Decodable {
  var torch: String
  var pairs: [AssertClosePair]

  /// The pairs of Scripts/make_comparison_vectors.py (assert_close.json, the 12 classic dtypes)
  /// and of Scripts/make_float8_vectors.py (assert_close_new_dtypes.json: float8, uint16/32/64,
  /// complex32).
  static let all: [AssertClosePair] = ["assert_close", "assert_close_new_dtypes"].flatMap {
    name -> [AssertClosePair] in
    let url = Repository.golden("pytorch/comparison/\(name).json")
    do {
      return try TestJSON.decode(AssertCloseVectors.self, from: url).pairs
    } catch {
      fatalError("cannot read \(url.path): \(error)")
    }
  }
}

@Suite("torch.testing.assert_close as the oracle")
struct AssertCloseOracleTests {
  @Test func vectorsCoverEveryDtype() {
    let dtypes = Set(AssertCloseVectors.all.map { $0.expected.dtype })
    #expect(dtypes.count == DType.allCases.count)
    #expect(AssertCloseVectors.all.count > 150)
  }

  @Test(arguments: AssertCloseVectors.all)
  func agreesWithPyTorch(_ pair: AssertClosePair) throws {
    let (a, e) = try pair.tensors()
    let result = TensorComparison.compare(a, e, options: pair.comparisonOptions)
    #expect(result.passed == pair.passed)
    #expect(result.summary == pair.message)
  }
}
