/// Uniform draws: `torch.rand`, `tensor.uniform_`, `bernoulli_`, dropout (torch-rng.md §5, §9).
extension Generator {
  static let floatDTypes: Set<DType> = [.float32, .float64, .float16, .bfloat16]

  /// A new contiguous tensor of uniform values in [0, 1) (`torch.rand(*shape, dtype=dtype)`).
  ///
  /// float32, float16 and bfloat16 take one draw per element (24-bit uniforms), float64 two.
  /// float16 and bfloat16 values that round up to 1 are replaced by 0, as PyTorch does.
  ///
  /// - Throws: `TensorError` with code `unsupportedDType` for a non-floating dtype, or
  ///   `invalidShape` for a negative size.
  public func rand(shape: [Int], dtype: DType = .float32) throws(TensorError) -> Tensor {
    let t = try Generator.makeOutput(
      shape: shape, dtype: dtype, op: "rand", dtypes: Generator.floatDTypes)
    try fillUniform(t, from: 0, to: 1)
    return t
  }

  /// Fills `tensor` with uniform values in [`from`, `to`) (`tensor.uniform_(from, to)`), in
  /// memory order whatever its strides.
  ///
  /// float32/float16/bfloat16 compute `fma(u, f32(to) - f32(from), f32(from))` in float32 from a
  /// 24-bit uniform `u` (an unfused multiply and add on the `.default` capability), then round
  /// to the dtype; float64 uses a 53-bit uniform. A value equal to `to` becomes `from`.
  ///
  /// - Parameters:
  ///   - tensor: a float16, bfloat16, float32 or float64 tensor; its storage is written.
  ///   - from: the lower bound, included.
  ///   - to: the upper bound, excluded.
  /// - Throws: `TensorError` (`unsupportedDType`, or `invalidArgument` when a bound is not a
  ///   finite value of the dtype, `from > to`, `to - from` overflows the dtype, or the tensor
  ///   is read-only or has overlapping elements), with PyTorch's wording.
  public func fillUniform(_ tensor: Tensor, from: Double = 0, to: Double = 1) throws(TensorError) {
    try tensor.checkRandomOutput("uniform_", dtypes: Generator.floatDTypes)
    let limit: Double =
      switch tensor.dtype {
      case .float64: Double.greatestFiniteMagnitude
      case .float16: Double(Float16.greatestFiniteMagnitude)
      case .bfloat16: Double(Float(bitPattern: 0x7F7F_0000))
      default: Double(Float.greatestFiniteMagnitude)
      }
    for (name, v) in [("from", from), ("to", to)] where !(v >= -limit && v <= limit) {
      throw TensorError(
        .invalidArgument,
        "uniform_: \(name) is out of bounds for \(tensor.dtype.pytorchName) (got \(v))")
    }
    guard from <= to else {
      throw TensorError(
        .invalidArgument,
        "uniform_ expects to return a [from, to) range, but found from=\(from) > to=\(to)")
    }
    guard to - from <= limit else {
      throw TensorError(
        .invalidArgument,
        "uniform_ expects to-from <= \(tensor.dtype.pytorchName) max, but found to=\(to) and from=\(from) which result in to-from to exceed the limit"
      )
    }
    let fused = capability == .avx2
    let dtype = tensor.dtype
    state.withLock { st in
      unsafe tensor.fillInMemoryOrder { raw, n in
        unsafe st.uniform(raw, count: n, dtype: dtype, from: from, to: to, fused: fused)
      }
    }
  }

  /// Fills `tensor` with 0 or 1 drawn with probability `p` of 1 (`tensor.bernoulli_(p)`), in
  /// memory order: each element compares a 53-bit uniform (two draws) with `p`.
  ///
  /// - Throws: `TensorError` (`invalidArgument` when `p` is outside [0, 1], `unsupportedDType`
  ///   for complex tensors).
  public func fillBernoulli(_ tensor: Tensor, p: Double) throws(TensorError) {
    let dtypes: Set<DType> = Set(
      DType.allCases.filter { !$0.isComplex && !$0.usesUntypedStorage })
    try tensor.checkRandomOutput("bernoulli_", dtypes: dtypes)
    guard p >= 0 && p <= 1 else {
      throw TensorError(.invalidArgument, "bernoulli_ expects p to be in [0, 1], but got p=\(p)")
    }
    let one = Generator.onePattern(tensor.dtype)
    let size = tensor.dtype.elementSize
    state.withLock { st in
      unsafe tensor.fillInMemoryOrder { raw, n in
        let chunk = 1024
        unsafe withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk) { buf in
          let u = unsafe buf.start
          var done = 0
          while done < n {
            let m = min(chunk, n - done)
            unsafe st.fillUniform53(u, count: m)
            for i in 0..<m {
              let bit: UInt64 = unsafe u[i] < p ? one : 0
              unsafe withUnsafeBytes(of: bit) {
                unsafe (raw + (done + i) * size).copyMemory(from: $0.start, byteCount: size)
              }
            }
            done += m
          }
        }
      }
    }
  }

  /// Dropout as `torch.nn.functional.dropout(x, p, training)` computes it on the CPU: zero each
  /// element with probability `p` and scale the others by `1 / (1 - p)`.
  ///
  /// The mask is `bernoulli_(1 - p)` over a tensor laid out like `x` (one 53-bit uniform per
  /// element, in memory order), divided by `1 - p` in the dtype, then multiplied by `x`:
  /// for float32 a kept element is `f32(x * f32(1 / f32(1 - p)))`. `p == 0`, `p == 1` and
  /// `training == false` draw nothing.
  ///
  /// - Returns: a new contiguous tensor.
  /// - Throws: `TensorError` (`invalidArgument` when `p` is outside [0, 1], `unsupportedDType`
  ///   for dtypes other than float32 and float64).
  public func dropout(_ x: Tensor, p: Double, training: Bool = true) throws(TensorError) -> Tensor {
    try Generator.checkDropout(p: p, dtype: x.dtype)
    if p == 0 || !training || x.count == 0 { return x.copied() }
    let n = x.count
    // empty_like(x) keeps x's strides when x is non-overlapping and dense, so the mask is drawn
    // in x's memory order; otherwise it is row-major.
    let maskStrides =
      x.isNonOverlappingAndDense ? x.strides : Tensor.contiguousStrides(for: x.shape)
    let mask = Tensor(
      unchecked: Storage(byteCount: n * x.dtype.elementSize), dtype: x.dtype, shape: x.shape,
      strides: maskStrides, storageOffset: 0, device: x.device, requiresGrad: false)
    if p < 1 { try fillBernoulli(mask, p: 1 - p) }  // p == 1: x * 0, with the mask left at zero
    let xs = x.contiguous()
    let ms = mask.contiguous()
    let out = Tensor(zeros: x.shape, dtype: x.dtype, device: x.device)
    unsafe xs.storage.withUnsafeBytes { xr in
      unsafe ms.storage.withUnsafeBytes { mr in
        unsafe out.storage.withUnsafeMutableBytes { orw in
          if x.dtype == .float32 {
            let keepProbability = Float(1 - p)
            let xv = unsafe xr.start.assumingMemoryBound(to: Float.self) + xs.storageOffset
            let mv = unsafe mr.start.assumingMemoryBound(to: Float.self)
            let ov = unsafe orw.start.assumingMemoryBound(to: Float.self)
            for i in 0..<n { unsafe ov[i] = unsafe xv[i] * (p == 1 ? 0 : mv[i] / keepProbability) }
          } else {
            let xv = unsafe xr.start.assumingMemoryBound(to: Double.self) + xs.storageOffset
            let mv = unsafe mr.start.assumingMemoryBound(to: Double.self)
            let ov = unsafe orw.start.assumingMemoryBound(to: Double.self)
            for i in 0..<n { unsafe ov[i] = unsafe xv[i] * (p == 1 ? 0 : mv[i] / (1 - p)) }
          }
        }
      }
    }
    return out
  }

  /// The little-endian bit pattern of 1 in `dtype` (1.0 for floats, 1 for integers and bool).
  static func onePattern(_ dtype: DType) -> UInt64 {
    switch dtype {
    case .float64: 0x3FF0_0000_0000_0000
    case .float32: 0x3F80_0000
    case .float16: 0x3C00
    case .bfloat16: 0x3F80
    default: 1
    }
  }

  /// A new contiguous output after checking its dtype and shape, not zeroed: the caller writes
  /// every element before the tensor is returned.
  static func makeOutput(shape: [Int], dtype: DType, op: String, dtypes: Set<DType>)
    throws(TensorError) -> Tensor
  {
    guard dtypes.contains(dtype) else {
      let names = dtypes.map(\.pytorchName).sorted().joined(separator: ", ")
      throw TensorError(
        .unsupportedDType, "\(op) is not implemented for \(dtype.pytorchName) (supported: \(names))"
      )
    }
    var count = 1
    for d in shape {
      guard d >= 0 else {
        throw TensorError(
          .invalidShape, "\(op): trying to create tensor with negative dimension \(d): \(shape)")
      }
      let (c, o) = count.multipliedReportingOverflow(by: d)
      guard !o, c <= Int.max / 16 else {
        throw TensorError(.invalidShape, "\(op): shape \(shape) is too large")
      }
      count = c
    }
    // Every caller writes each element, so the storage is not zeroed first (a pass over memory
    // that costs as much as the draws for large tensors).
    return Tensor(
      unchecked: Storage(uninitializedByteCount: count * dtype.elementSize), dtype: dtype,
      shape: shape, strides: Tensor.contiguousStrides(for: shape), storageOffset: 0, device: .cpu,
      requiresGrad: false)
  }
}

extension Tensor {
  /// Whether the elements fill a gapless block of storage with no element shared
  /// (`is_non_overlapping_and_dense()`), in any dimension order.
  var isNonOverlappingAndDense: Bool {
    if isContiguous { return true }
    var expected = 1
    for d in memoryOrderDims().reversed() where shape[d] != 1 {
      if strides[d] != expected { return false }
      expected *= shape[d]
    }
    return true
  }
}

extension GeneratorState {
  /// The body of `uniform_kernel` for one contiguous run of `n` elements in draw order,
  /// drawn and mapped chunk by chunk (in cache); `fused` is the AVX2 build's
  /// `fma(x, range, from)`, otherwise `x * range` and `+ from` round separately.
  mutating func uniform(
    _ raw: UnsafeMutableRawPointer, count n: Int, dtype: DType, from a: Double, to b: Double,
    fused: Bool
  ) {
    let chunk = GeneratorState.uniformChunk
    let isUnit = a == 0 && b == 1  // x * 1 + 0 is exact: the values are the uniforms
    switch dtype {
    case .float64:
      let out = unsafe raw.bindMemory(to: Double.self, capacity: n)
      let range = b - a
      var done = 0
      while done < n {
        let m = min(chunk, n - done)
        let p = unsafe out + done
        unsafe fillUniform53(p, count: m)
        if fused && !isUnit {
          unsafe RandomKernels.uniform(p, count: m, from: a, range: range, to: b)
        } else if !isUnit {
          for i in 0..<m {
            let v = unsafe p[i] * range + a
            unsafe p[i] = v == b ? a : v
          }
        }
        done += m
      }
    case .float32:
      let out = unsafe raw.bindMemory(to: Float.self, capacity: n)
      let from = Float(a)
      let to = Float(b)
      let range = to - from
      var done = 0
      while done < n {
        let m = min(chunk, n - done)
        let p = unsafe out + done
        unsafe fillUniform24(p, count: m)
        if fused && !isUnit {
          unsafe RandomKernels.uniform(p, count: m, from: from, range: range, to: to)
        } else if !isUnit {
          for i in 0..<m {
            let v = unsafe p[i] * range + from
            unsafe p[i] = v == to ? from : v
          }
        }
        done += m
      }
    default:
      let isHalf = dtype == .float16
      let out = unsafe raw.bindMemory(to: UInt16.self, capacity: n)
      let from = Float(a)
      let to = Float(b)
      let range = to - from
      let toValue = isHalf ? Float(Float16(to)) : Generator.bfloat16Value(to)
      let fromBits =
        isHalf
        ? HalfPrecision.float16Bits(from: from) : HalfPrecision.bfloat16BitsScalar(from: from)
      unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { buf in
        let u = unsafe buf.start
        var done = 0
        while done < n {
          let m = min(chunk, n - done)
          unsafe fillUniform24(u, count: m)
          if fused {
            unsafe RandomKernels.fusedMultiplyAdd(u, count: m, scale: range, offset: from)
          } else {
            for i in 0..<m { unsafe u[i] = unsafe u[i] * range + from }
          }
          for i in 0..<m {
            let v = unsafe u[i]
            let h =
              isHalf
              ? HalfPrecision.float16Bits(from: v) : HalfPrecision.bfloat16BitsScalar(from: v)
            let hv =
              isHalf
              ? HalfPrecision.float(fromFloat16Bits: h) : HalfPrecision.float(fromBFloat16Bits: h)
            unsafe out[done + i] = hv == toValue ? fromBits : h
          }
          done += m
        }
      }
    }
  }

  /// Elements drawn and mapped per chunk of the uniform path (kept in the L1/L2 cache).
  static let uniformChunk = 4096
}

extension Generator {
  /// The float value of `x` rounded to bfloat16 by the scalar constructor.
  static func bfloat16Value(_ x: Float) -> Float {
    HalfPrecision.float(fromBFloat16Bits: HalfPrecision.bfloat16BitsScalar(from: x))
  }
}
