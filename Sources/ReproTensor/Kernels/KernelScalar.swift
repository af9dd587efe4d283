#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A Swift type the kernels compute in: `Float` (float32, and float16/bfloat16 by PyTorch's
/// opmath rule), `Double` (float64) and `Int64` (every integer dtype and bool).
///
/// Integer arithmetic wraps (`&+`, `&*`) as PyTorch's C++ kernels do on two's complement
/// machines; results are truncated to the narrower output dtype once, at the end.
protocol KernelOutput: Sendable {
  /// The dtype whose storage holds this type unchanged.
  static var naturalDType: DType { get }
  /// Writes `values` into `raw` (a contiguous region of `dtype` elements), rounding once.
  static func convertStore(
    _ values: UnsafeBufferPointer<Self>, into raw: UnsafeMutableRawPointer, as dtype: DType)
}

extension Bool: KernelOutput {
  static var naturalDType: DType { .bool }
  static func convertStore(
    _ values: UnsafeBufferPointer<Bool>, into raw: UnsafeMutableRawPointer, as dtype: DType
  ) {
    let out = unsafe UnsafeMutableRawBufferPointer(
      start: raw, count: values.count * dtype.elementSize)
    for i in values.indices {
      unsafe ScalarCodec.store(
        .bool(values[i]), as: dtype, into: out, byteOffset: i * dtype.elementSize)
    }
  }
}

/// A type kernels compute in (see `KernelOutput` for the output side).
protocol KernelScalar: KernelOutput, Comparable {
  static var kernelZero: Self { get }
  init(kernelDouble: Double)
  init(kernelFloat: Float)
  init(kernelInt: Int64)
  var kernelIsNaN: Bool { get }
  static func kernelAdd(_ a: Self, _ b: Self) -> Self
  static func kernelSub(_ a: Self, _ b: Self) -> Self
  static func kernelMul(_ a: Self, _ b: Self) -> Self
  /// Division: true division for floats; for integers (never used by `div`, which promotes to
  /// float) truncating, with 0 for a zero divisor.
  static func kernelDiv(_ a: Self, _ b: Self) -> Self
}

extension Float: KernelScalar {
  static var naturalDType: DType { .float32 }
  static var kernelZero: Float { 0 }
  init(kernelDouble d: Double) { self = Float(d) }
  init(kernelFloat f: Float) { self = f }
  init(kernelInt i: Int64) { self = Float(i) }
  var kernelIsNaN: Bool { isNaN }
  @inline(__always) static func kernelAdd(_ a: Float, _ b: Float) -> Float { a + b }
  @inline(__always) static func kernelSub(_ a: Float, _ b: Float) -> Float { a - b }
  @inline(__always) static func kernelMul(_ a: Float, _ b: Float) -> Float { a * b }
  @inline(__always) static func kernelDiv(_ a: Float, _ b: Float) -> Float { a / b }
  static func convertStore(
    _ values: UnsafeBufferPointer<Float>, into raw: UnsafeMutableRawPointer, as dtype: DType
  ) {
    let n = values.count
    switch dtype {
    case .float32: unsafe raw.copyMemory(from: values.start, byteCount: n * 4)
    case .float64:
      let p = unsafe raw.assumingMemoryBound(to: Double.self)
      for i in 0..<n { unsafe p[i] = unsafe Double(values[i]) }
    case .float16:
      let p = unsafe raw.assumingMemoryBound(to: UInt16.self)
      for i in 0..<n { unsafe p[i] = unsafe HalfPrecision.float16Bits(from: values[i]) }
    case .bfloat16:
      let p = unsafe raw.assumingMemoryBound(to: UInt16.self)
      for i in 0..<n { unsafe p[i] = unsafe HalfPrecision.bfloat16Bits(from: values[i]) }
    default:
      let out = unsafe UnsafeMutableRawBufferPointer(start: raw, count: n * dtype.elementSize)
      for i in 0..<n {
        unsafe ScalarCodec.store(
          .float(Double(values[i])), as: dtype, into: out, byteOffset: i * dtype.elementSize)
      }
    }
  }
}

extension Double: KernelScalar {
  static var naturalDType: DType { .float64 }
  static var kernelZero: Double { 0 }
  init(kernelDouble d: Double) { self = d }
  init(kernelFloat f: Float) { self = Double(f) }
  init(kernelInt i: Int64) { self = Double(i) }
  var kernelIsNaN: Bool { isNaN }
  @inline(__always) static func kernelAdd(_ a: Double, _ b: Double) -> Double { a + b }
  @inline(__always) static func kernelSub(_ a: Double, _ b: Double) -> Double { a - b }
  @inline(__always) static func kernelMul(_ a: Double, _ b: Double) -> Double { a * b }
  @inline(__always) static func kernelDiv(_ a: Double, _ b: Double) -> Double { a / b }
  static func convertStore(
    _ values: UnsafeBufferPointer<Double>, into raw: UnsafeMutableRawPointer, as dtype: DType
  ) {
    let n = values.count
    if dtype == .float64 {
      unsafe raw.copyMemory(from: values.start, byteCount: n * 8)
      return
    }
    let out = unsafe UnsafeMutableRawBufferPointer(start: raw, count: n * dtype.elementSize)
    for i in 0..<n {
      unsafe ScalarCodec.store(
        .float(values[i]), as: dtype, into: out, byteOffset: i * dtype.elementSize)
    }
  }
}

extension Int64: KernelScalar {
  static var naturalDType: DType { .int64 }
  static var kernelZero: Int64 { 0 }
  /// Truncation toward zero with PyTorch's out-of-range rule (`Int64.min`).
  init(kernelDouble d: Double) { self = ScalarCodec.int64(.float(d)) }
  init(kernelFloat f: Float) { self = ScalarCodec.int64(.float(Double(f))) }
  init(kernelInt i: Int64) { self = i }
  var kernelIsNaN: Bool { false }
  @inline(__always) static func kernelAdd(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
  @inline(__always) static func kernelSub(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
  @inline(__always) static func kernelMul(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
  @inline(__always) static func kernelDiv(_ a: Int64, _ b: Int64) -> Int64 {
    b == 0 ? 0 : a.dividedReportingOverflow(by: b).partialValue
  }
  static func convertStore(
    _ values: UnsafeBufferPointer<Int64>, into raw: UnsafeMutableRawPointer, as dtype: DType
  ) {
    let n = values.count
    switch dtype {
    case .int64: unsafe raw.copyMemory(from: values.start, byteCount: n * 8)
    case .int32:
      let p = unsafe raw.assumingMemoryBound(to: Int32.self)
      for i in 0..<n { unsafe p[i] = unsafe Int32(truncatingIfNeeded: values[i]) }
    case .int16:
      let p = unsafe raw.assumingMemoryBound(to: Int16.self)
      for i in 0..<n { unsafe p[i] = unsafe Int16(truncatingIfNeeded: values[i]) }
    case .int8:
      let p = unsafe raw.assumingMemoryBound(to: Int8.self)
      for i in 0..<n { unsafe p[i] = unsafe Int8(truncatingIfNeeded: values[i]) }
    case .uint8:
      let p = unsafe raw.assumingMemoryBound(to: UInt8.self)
      for i in 0..<n { unsafe p[i] = unsafe UInt8(truncatingIfNeeded: values[i]) }
    case .bool:
      let p = unsafe raw.assumingMemoryBound(to: UInt8.self)
      for i in 0..<n { unsafe p[i] = unsafe values[i] != 0 ? 1 : 0 }
    default:
      let out = unsafe UnsafeMutableRawBufferPointer(start: raw, count: n * dtype.elementSize)
      for i in 0..<n {
        unsafe ScalarCodec.store(
          .int(values[i]), as: dtype, into: out, byteOffset: i * dtype.elementSize)
      }
    }
  }
}

/// Floating-point kernel types: the transcendental functions the unary ops need.
protocol KernelFloat: KernelScalar, BinaryFloatingPoint {
  static func kernelExp(_ x: Self) -> Self
  static func kernelLog(_ x: Self) -> Self
  static func kernelTanh(_ x: Self) -> Self
  static func kernelPow(_ x: Self, _ y: Self) -> Self
}

extension Float: KernelFloat {
  static func kernelExp(_ x: Float) -> Float { expf(x) }
  static func kernelLog(_ x: Float) -> Float { logf(x) }
  static func kernelTanh(_ x: Float) -> Float { tanhf(x) }
  static func kernelPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: KernelFloat {
  static func kernelExp(_ x: Double) -> Double { exp(x) }
  static func kernelLog(_ x: Double) -> Double { log(x) }
  static func kernelTanh(_ x: Double) -> Double { tanh(x) }
  static func kernelPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
}

extension Tensor {
  /// The elements in row-major logical order, converted to the kernel type `C`.
  ///
  /// - Parameter rounding: when set to float16/bfloat16, each value is first rounded to that
  ///   dtype (PyTorch casts a non-scalar operand to the common dtype before computing in opmath).
  /// - Precondition: the dtype is not complex (callers check with `checkComputable`).
  func kernelValues<C: KernelScalar>(_: C.Type, roundingThrough rounding: DType? = nil) -> [C] {
    var out: [C] = []
    out.reserveCapacity(count)
    unsafe storage.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      switch dtype {
      case .float64:
        let p = unsafe base.assumingMemoryBound(to: Double.self)
        forEachStorageIndex { unsafe out.append(C(kernelDouble: p[$0])) }
      case .float32:
        let p = unsafe base.assumingMemoryBound(to: Float.self)
        forEachStorageIndex { unsafe out.append(C(kernelFloat: p[$0])) }
      case .float16:
        let p = unsafe base.assumingMemoryBound(to: UInt16.self)
        forEachStorageIndex {
          unsafe out.append(C(kernelFloat: HalfPrecision.float(fromFloat16Bits: p[$0])))
        }
      case .bfloat16:
        let p = unsafe base.assumingMemoryBound(to: UInt16.self)
        forEachStorageIndex {
          unsafe out.append(C(kernelFloat: HalfPrecision.float(fromBFloat16Bits: p[$0])))
        }
      case .int64:
        let p = unsafe base.assumingMemoryBound(to: Int64.self)
        forEachStorageIndex { unsafe out.append(C(kernelInt: p[$0])) }
      case .int32:
        let p = unsafe base.assumingMemoryBound(to: Int32.self)
        forEachStorageIndex { unsafe out.append(C(kernelInt: Int64(p[$0]))) }
      case .int16:
        let p = unsafe base.assumingMemoryBound(to: Int16.self)
        forEachStorageIndex { unsafe out.append(C(kernelInt: Int64(p[$0]))) }
      case .int8:
        let p = unsafe base.assumingMemoryBound(to: Int8.self)
        forEachStorageIndex { unsafe out.append(C(kernelInt: Int64(p[$0]))) }
      case .uint8:
        let p = unsafe base.assumingMemoryBound(to: UInt8.self)
        forEachStorageIndex { unsafe out.append(C(kernelInt: Int64(p[$0]))) }
      case .bool:
        let p = unsafe base.assumingMemoryBound(to: UInt8.self)
        forEachStorageIndex { unsafe out.append(C(kernelInt: p[$0] != 0 ? 1 : 0)) }
      case .complex64, .complex128, .complex32, .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ,
        .float8E5M2FNUZ, .float8E8M0FNU, .uint16, .uint32, .uint64:
        preconditionFailure("kernelValues on a \(dtype) tensor; callers must check first")
      }
    }
    if let rounding, rounding != dtype, C.self == Float.self, var floats = out as? [Float] {
      if rounding == .float16 {
        for i in floats.indices {
          floats[i] = HalfPrecision.float(
            fromFloat16Bits: HalfPrecision.float16Bits(from: floats[i]))
        }
      } else if rounding == .bfloat16 {
        for i in floats.indices {
          floats[i] = HalfPrecision.float(
            fromBFloat16Bits: HalfPrecision.bfloat16Bits(from: floats[i]))
        }
      }
      out = floats.map { C(kernelFloat: $0) }
    }
    return out
  }

  /// Throws unless kernels can compute on this dtype: complex, float8 and uint16/32/64 tensors
  /// are storage-only here (PyTorch's CPU kernels also refuse most operations on float8 and the
  /// wide unsigned types: "not implemented for 'Float8_e4m3fn'").
  func checkComputable(_ op: String) throws(TensorError) {
    if dtype.isComplex {
      throw TensorError(
        .unsupportedDType, "\(op): complex dtype \(dtype) is not supported by the CPU kernels here")
    }
    if dtype.usesUntypedStorage {
      throw TensorError(
        .unsupportedDType,
        "\(op): \(dtype) is a storage dtype here (load, save, compare and cast with to(_:)); convert it to float32 first"
      )
    }
  }

  /// A new dense tensor of `dtype` (row-major unless `strides` gives a permuted dense layout)
  /// whose elements are computed as `C` by `fill` and rounded once into `dtype`.
  ///
  /// `fill`
  /// receives the first element and the element count, and must write every element (by
  /// storage position): the storage is not zeroed first.
  @inline(__always)
  static func makeComputed<C: KernelOutput, E: Error>(
    _: C.Type, shape: [Int], strides: [Int]? = nil, dtype: DType, device: Device,
    _ fill: (UnsafeMutablePointer<C>, Int) throws(E) -> Void
  ) throws(E) -> Tensor {
    let n = Tensor.checkedCount(shape)
    let out = Tensor(
      unchecked: Storage(uninitializedByteCount: n * dtype.elementSize), dtype: dtype, shape: shape,
      strides: strides ?? Tensor.contiguousStrides(for: shape), storageOffset: 0, device: device,
      requiresGrad: false)
    if n == 0 { return out }
    if dtype == C.naturalDType {
      unsafe try out.storage.withUnsafeMutableBytes { (raw) throws(E) in
        unsafe try fill(raw.start.assumingMemoryBound(to: C.self), n)
      }
    } else {
      let tmp = UnsafeMutablePointer<C>.allocate(capacity: n)
      defer { unsafe tmp.deallocate() }
      unsafe try fill(tmp, n)
      unsafe out.storage.withUnsafeMutableBytes { raw in
        unsafe C.convertStore(UnsafeBufferPointer(start: tmp, count: n), into: raw.start, as: dtype)
      }
    }
    return out
  }
}

extension Tensor {
  /// Calls `body` with the elements of `t` as a contiguous row-major buffer of `C`, read in
  /// place when `t` is contiguous and of `C`'s natural dtype, converted otherwise.
  static func withContiguousValues<C: KernelScalar, R>(
    _ t: Tensor, _: C.Type, _ body: (UnsafePointer<C>) -> R
  ) -> R {
    if t.dtype == C.naturalDType && t.isContiguous {
      return unsafe t.storage.withUnsafeBytes { raw in
        unsafe body(raw.start.assumingMemoryBound(to: C.self) + t.storageOffset)
      }
    }
    let values = t.kernelValues(C.self)
    return unsafe values.withUnsafeBufferPointer { buf in
      if let base = buf.baseAddress { return unsafe body(base) }
      let dummy = [C.kernelZero]
      return unsafe dummy.withUnsafeBufferPointer { unsafe body($0.start) }
    }
  }
}
