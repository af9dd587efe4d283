import ReproHarness
import ReproTensor
import Testing

/// Hand-computed cases; the PyTorch-checked ones are in AssertCloseOracleTests.
@Suite struct TensorComparisonTests {
  @Test(arguments: [
    DType.float16, .bfloat16, .float32, .float64, .complex64, .complex128, .int8, .uint8, .int16,
    .int32, .int64, .bool,
  ])
  func defaultTolerancesArePyTorchs(_ dtype: DType) {
    let expected: (Double, Double) =
      switch dtype {
      case .float16: (1e-3, 1e-5)
      case .bfloat16: (1.6e-2, 1e-5)
      case .float32, .complex64: (1.3e-6, 1e-5)
      case .float64, .complex128: (1e-7, 1e-7)
      default: (0, 0)
      }
    let t = Tolerance.default(for: dtype)
    #expect(t.relative == expected.0 && t.absolute == expected.1)
  }

  @Test func identicalTensorsAreBitwiseEqual() {
    let t = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
    let r = TensorComparison.compare(t, t.copied(), options: .bitwise, name: "w")
    #expect(r.passed)
    #expect(r.figures?.maxULPDistance == 0)
    #expect(r.message == "['w']: bitwise equal")
  }

  @Test func signedZeroIsCloseButNotBitwiseEqual() {
    let a = Tensor([0.0, 1.0] as [Float])
    let b = Tensor([-0.0, 1.0] as [Float])
    #expect(TensorComparison.compare(a, b).passed)
    let bitwise = TensorComparison.compare(a, b, options: .bitwise)
    #expect(!bitwise.passed)
    #expect(bitwise.figures?.bitwiseMismatchCount == 1)
    #expect(bitwise.figures?.mismatchCount == 0)
    #expect(bitwise.figures?.maxULPDistance == 0)
    #expect(
      bitwise.summary == """
        Tensor-likes are not bitwise equal!

        Differing elements: 1 / 2 (50.0%)
        First differing element at index (0,): 0.0 (0x00000000) != -0.0 (0x80000000)
        All differing elements compare equal as numbers (signed zeros or NaN payloads).
        """)
  }

  @Test func ulpDistanceCountsRepresentableSteps() {
    // 1.0 and the float32 three steps above it; -min subnormal to +min subnormal is 2 steps.
    let one = Float(1)
    let three = Float(bitPattern: one.bitPattern + 3)
    let a = Tensor([three, Float.leastNonzeroMagnitude] as [Float])
    let b = Tensor([one, -Float.leastNonzeroMagnitude] as [Float])
    let r = TensorComparison.compare(a, b, options: .bitwise)
    #expect(r.figures?.maxULPDistance == 3)
    // float16: 1.0 (0x3C00) vs 1.0009765625 (0x3C01) is one ULP and inside rtol 1e-3 + atol.
    let h = TensorComparison.compare(
      Tensor([1.0009765625] as [Double]).to(.float16), Tensor([1.0] as [Double]).to(.float16))
    #expect(h.passed)
    #expect(h.figures?.maxULPDistance == 1)
    #expect(h.figures?.maxAbsoluteError == 0.0009765625)
  }

  @Test func figuresNameTheWorstElementWithBothValues() {
    // |0.5 - 0.25| = 0.25 at (1, 0) is the greatest; 2.0 vs 1.9 differs by 0.1 (rel 0.0526).
    let a = Tensor([1.0, 2.0, 0.5, 4.0] as [Double], shape: [2, 2])
    let e = Tensor([1.0, 1.9, 0.25, 4.0] as [Double], shape: [2, 2])
    let r = TensorComparison.compare(a, e, name: "fc.weight", golden: "Golden/mlp.pt")
    #expect(!r.passed)
    let f = try! #require(r.figures)
    #expect(f.mismatchCount == 2)
    #expect(f.worstIndex == [1, 0])
    #expect(f.worstActual == "0.5" && f.worstExpected == "0.25")
    #expect(f.greatestRelativeMismatch == 1.0)
    #expect(f.greatestRelativeMismatchIndex == [1, 0])
    #expect(
      r.message == """
        Tensor-likes are not close!

        Mismatched elements: 2 / 4 (50.0%)
        Greatest absolute difference: 0.25 at index (1, 0) (up to 1e-07 allowed)
        Greatest relative difference: 1.0 at index (1, 0) (up to 1e-07 allowed)
        Greatest ULP distance: 4503599627370496 at index (1, 0)
        Worst element at index (1, 0): actual 0.5, expected 0.25

        The failure occurred for item ['fc.weight']
        Golden: Golden/mlp.pt
        """)
    #expect(
      r.headline
        == "['fc.weight']: Tensor-likes are not close! (2 / 4 mismatched, greatest absolute difference 0.25)"
    )
  }

  @Test func toleranceCanBeOverriddenPerCall() {
    let a = Tensor([1.0, 2.0] as [Float])
    let e = Tensor([1.05, 2.0] as [Float])
    #expect(!TensorComparison.compare(a, e).passed)
    var loose = ComparisonOptions.close
    loose.tolerance = Tolerance(relative: 0.1, absolute: 0)
    let r = TensorComparison.compare(a, e, options: loose)
    #expect(r.passed)
    #expect(r.figures?.tolerance == Tolerance(relative: 0.1, absolute: 0))
  }

  @Test func attributesAreCheckedBeforeValues() throws {
    let a = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    var onGPU = a.copied()
    onGPU.device = .cuda(0)
    let device = TensorComparison.compare(a, onGPU)
    #expect(
      device.attributeMismatch?.message
        == "The values for attribute 'device' do not match: cpu != cuda:0.")
    var unchecked = ComparisonOptions.close
    unchecked.checkDevice = false
    #expect(TensorComparison.compare(a, onGPU, options: unchecked).passed)
    // The same values in another memory order: close, but not bitwise (the strides differ).
    let transposed = try a.transposed(0, 1).contiguous().transposed(0, 1)
    #expect(TensorComparison.compare(transposed, a).passed)
    let r = TensorComparison.compare(transposed, a, options: .bitwise)
    #expect(r.summary == "The values for attribute 'stride()' do not match: (1, 2) != (3, 1).")
  }

  @Test func emptyTensorsPass() {
    let e = Tensor(zeros: [0, 3], dtype: .float32)
    let r = TensorComparison.compare(e, e, options: .bitwise)
    #expect(r.passed)
    #expect(r.figures?.worstIndex == nil)
  }

  @Test func nanPayloadsDifferBitwiseOnly() {
    let quiet = Float.nan
    let other = Float(bitPattern: Float.nan.bitPattern | 1)
    let a = Tensor([quiet] as [Float])
    let b = Tensor([other] as [Float])
    var nanEqual = ComparisonOptions.close
    nanEqual.equalNaN = true
    #expect(TensorComparison.compare(a, b, options: nanEqual).passed)
    #expect(!TensorComparison.compare(a, b).passed)
    #expect(!TensorComparison.compare(a, b, options: .bitwise).passed)
  }

  /// A float8 tensor compared as float64 with another float dtype (`repro compare` across
  /// dtypes) is read in place through its format's table: the figures of comparing the float64
  /// copies, and a deferred storage is never held whole (before, `to(.float64)` copied both
  /// sides, 8 bytes per float8 element).
  @Test(arguments: [
    DType.float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU,
  ])
  func float8IsUpcastInPlace(_ dtype: DType) throws {
    // Every bit pattern, repeated past one chunk, against float32 values near and far from them.
    let n = StorageReader.chunkBytes + 3 * 256
    let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    let actual = try Tensor(
      storage: Storage(deferring: HeldBytes(bytes)), dtype: dtype, shape: [n], strides: [1])
    let specials: [Float] = [0, -0, .nan, .infinity, -.infinity, 1e-3, 448, 57344]
    let expected = Tensor(
      (0..<n).map { i -> Float in
        let x = Float8Codec.float(fromBits: bytes[i], of: dtype)
        return i % 97 == 0 ? specials[(i / 97) % specials.count] : (i % 3 == 0 ? x : x * 1.001)
      }, shape: [n])
    var options = ComparisonOptions.close
    options.checkDtype = false
    _ = TensorComparison.compare(actual, expected, options: options, upcastingToFloat64: true)
    #expect(actual.storage.isDeferred)
    for (a, e) in [(actual, expected), (expected, actual), (actual, actual.to(.float16))] {
      let direct = TensorComparison.compare(a, e, options: options, upcastingToFloat64: true)
      let copies = TensorComparison.compare(a.to(.float64), e.to(.float64), options: options)
      #expect(String(describing: direct) == String(describing: copies))
      #expect(direct.figures?.mismatchCount ?? 0 > 0)
    }
  }

  /// Integers, bool, complex and float8 are read in chunks, as the real floats are: a mismatch
  /// in the third chunk is found at its own index, and a deferred storage (a deflated record)
  /// is streamed, never held whole.
  @Test(arguments: [DType.int64, .bool, .complex64, .float8E4M3FN])
  func otherDtypesAreComparedChunkByChunk(_ dtype: DType) throws {
    let size = dtype.elementSize
    let perChunk = StorageReader.chunkBytes / size
    let n = 3 * perChunk + 5
    let k = 2 * perChunk + 12_345
    // The bytes of 1 (int64, bool), 1 + 0i (complex64), 1.0 (float8 e4m3fn: 0x38).
    let one: [UInt8] =
      switch dtype {
      case .int64: [1, 0, 0, 0, 0, 0, 0, 0]
      case .bool: [1]
      case .complex64: [0, 0, 0x80, 0x3F, 0, 0, 0, 0]
      default: [0x38]
      }
    var bytes = [UInt8](repeating: 0, count: n * size)
    bytes.replaceSubrange((k * size)..<((k + 1) * size), with: one)
    let actual = try Tensor(
      storage: Storage(deferring: HeldBytes(bytes)), dtype: dtype, shape: [n], strides: [1])
    let expected = Tensor(zeros: [n], dtype: dtype)
    let r = TensorComparison.compare(actual, expected)
    #expect(!r.passed)
    #expect(r.figures?.mismatchCount == 1 && r.figures?.bitwiseMismatchCount == 1)
    #expect(r.figures?.greatestAbsoluteMismatch == 1)
    #expect(r.figures?.greatestAbsoluteMismatchIndex == [k] && r.figures?.worstIndex == [k])
    #expect(actual.storage.isDeferred)
    // Equal integers: every chunk's bytes equal, the figures of all-equal elements.
    guard dtype == .int64 || dtype == .bool else { return }
    let same = TensorComparison.compare(expected, Tensor(zeros: [n], dtype: dtype))
    #expect(same.passed && same.figures?.maxAbsoluteError == 0 && same.figures?.worstIndex == [0])
  }
}

/// Deferred bytes produced from an array (a stand-in for a deflated record).
private struct HeldBytes: DeferredStorageContent {
  let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }
  var byteCount: Int { bytes.count }
  func makeProducer() -> any DeferredByteProducer { Producer(bytes) }

  final class Producer: DeferredByteProducer {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func produce(into buffer: UnsafeMutableRawBufferPointer) {
      unsafe bytes.withUnsafeBytes { src in
        unsafe buffer.copyMemory(
          from: UnsafeRawBufferPointer(rebasing: src[position..<(position + buffer.count)]))
      }
      position += buffer.count
    }
  }
}
