/// Normal draws: `torch.randn`, `tensor.normal_` (torch-rng.md §6).
extension Generator {
  /// A new contiguous tensor of standard normal values (`torch.randn(*shape, dtype=dtype)`).
  ///
  /// Like `fillNormal(_:mean:std:)` with mean 0 and std 1: 16 or more elements take the
  /// vectorised Box-Muller path, fewer take the serial double path and its cache.
  ///
  /// - Throws: `TensorError` with code `unsupportedDType` for a non-floating dtype, or
  ///   `invalidShape` for a negative size.
  public func randn(shape: [Int], dtype: DType = .float32) throws(TensorError) -> Tensor {
    let t = try Generator.makeOutput(
      shape: shape, dtype: dtype, op: "randn", dtypes: Generator.floatDTypes)
    try fillNormal(t, mean: 0, std: 1)
    return t
  }

  /// Fills `tensor` with normal values of the given mean and standard deviation
  /// (`tensor.normal_(mean, std)`).
  ///
  /// A contiguous tensor of 16 or more elements takes PyTorch's vectorised path: all uniforms
  /// first, then 16-element Box-Muller blocks (lane `j` pairs with lane `j + 8`), and for a
  /// length that is not a multiple of 16, 16 fresh uniforms whose block overwrites the last 16
  /// outputs. float32/float16/bfloat16 use the AVX2 `log`/`sincos` polynomials (glibc `logf`/
  /// `sincosf` on the `.default` capability), float64 glibc `log`/`sincos`. Every other tensor
  /// (fewer than 16 elements, or not contiguous) takes the serial path in memory order: double
  /// Box-Muller from two 53-bit uniforms, whose sine sample is cached in the generator for the
  /// next serial normal of any dtype, then rounded to the dtype.
  ///
  /// - Parameters:
  ///   - tensor: a float16, bfloat16, float32 or float64 tensor; its storage is written.
  ///   - mean: the mean.
  ///   - std: the standard deviation, at least 0.
  /// - Throws: `TensorError` (`unsupportedDType`; `invalidArgument` when `std` is negative or
  ///   NaN, or the tensor is read-only or has overlapping elements).
  public func fillNormal(_ tensor: Tensor, mean: Double = 0, std: Double = 1) throws(TensorError) {
    try tensor.checkRandomOutput("normal_", dtypes: Generator.floatDTypes)
    guard std >= 0 else {
      throw TensorError(.invalidArgument, "normal expects std >= 0.0, but found std \(std)")
    }
    let dtype = tensor.dtype
    let capability = capability
    let vectorised = tensor.count >= 16 && tensor.isContiguous
    state.withLock { st in
      unsafe tensor.fillInMemoryOrder { raw, n in
        if vectorised {
          unsafe st.normalVectorised(
            raw, count: n, dtype: dtype, mean: mean, std: std, capability: capability)
        } else {
          unsafe st.normalSerial(
            raw, count: n, dtype: dtype, mean: mean, std: std, fused: capability == .avx2)
        }
      }
    }
  }
}

extension GeneratorState {
  /// One sample of `at::normal_distribution<double>(mean, std)`: the cached sine sample if one
  /// is pending, else a fresh double Box-Muller pair (angle from the first 53-bit uniform,
  /// radius from the second) whose sine sample is cached.
  @inline(__always)
  mutating func serialNormal(mean: Double, std: Double, fused: Bool) -> Double {
    let z: Double
    if let cached = nextDoubleNormal {
      z = cached
      nextDoubleNormal = nil
    } else {
      let u1 = uniform53()
      let u2 = uniform53()
      let r = (-2.0 * LibM.log1p(-u2)).squareRoot()
      let theta = 6.283185307179586 * u1
      nextDoubleNormal = r * LibM.sin(theta)
      z = r * LibM.cos(theta)
    }
    return fused ? NormalBlock.fma(z, std, mean) : z * std + mean
  }

  /// The serial normal kernel over `n` elements in draw order, each value rounded to the dtype
  /// (float16 and bfloat16 through float32).
  mutating func normalSerial(
    _ raw: UnsafeMutableRawPointer, count n: Int, dtype: DType, mean: Double, std: Double,
    fused: Bool
  ) {
    for i in 0..<n {
      let v = serialNormal(mean: mean, std: std, fused: fused)
      switch dtype {
      case .float64: unsafe raw.storeBytes(of: v, toByteOffset: 8 * i, as: Double.self)
      case .float32: unsafe raw.storeBytes(of: Float(v), toByteOffset: 4 * i, as: Float.self)
      case .float16:
        unsafe raw.storeBytes(
          of: HalfPrecision.float16Bits(from: Float(v)), toByteOffset: 2 * i, as: UInt16.self)
      default:
        unsafe raw.storeBytes(
          of: HalfPrecision.bfloat16BitsScalar(from: Float(v)), toByteOffset: 2 * i, as: UInt16.self
        )
      }
    }
  }

  /// `normal_fill` over a contiguous run of `n >= 16` elements.
  mutating func normalVectorised(
    _ raw: UnsafeMutableRawPointer, count n: Int, dtype: DType, mean: Double, std: Double,
    capability: Generator.Capability
  ) {
    let blocks = n / 16
    let hasTail = n % 16 != 0
    switch dtype {
    case .float64:
      let out = unsafe raw.bindMemory(to: Double.self, capacity: n)
      unsafe fillUniform53(out, count: n)
      for k in 0..<blocks {
        unsafe NormalBlock.double(out + 16 * k, out + 16 * k, mean: mean, std: std)
      }
      if hasTail {
        unsafe withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { buf in
          unsafe fillUniform53(buf.start, count: 16)
          unsafe NormalBlock.double(buf.start, out + (n - 16), mean: mean, std: std)
        }
      }
    case .float32:
      let out = unsafe raw.bindMemory(to: Float.self, capacity: n)
      let m = Float(mean)
      let s = Float(std)
      let avx2 = capability == .avx2
      unsafe fillUniform24(out, count: n)
      for k in 0..<blocks {
        if avx2 {
          unsafe NormalBlock.avx2(out + 16 * k, out + 16 * k, mean: m, std: s)
        } else {
          unsafe NormalBlock.scalarFloat(out + 16 * k, out + 16 * k, mean: m, std: s)
        }
      }
      if hasTail {
        unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { buf in
          let d = unsafe buf.start
          unsafe fillUniform24(d, count: 16)
          if avx2 {
            unsafe NormalBlock.avx2(d, out + (n - 16), mean: m, std: s)
          } else {
            unsafe NormalBlock.scalarFloat(d, out + (n - 16), mean: m, std: s)
          }
        }
      }
    default:
      // float16 / bfloat16: a 16-float stack buffer per block, so only 16 draws per block.
      let out = unsafe raw.bindMemory(to: UInt16.self, capacity: n)
      let m = Float(mean)
      let s = Float(std)
      let avx2 = capability == .avx2
      let isHalf = dtype == .float16
      unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { buf in
        let d = unsafe buf.start
        func block(at start: Int) {
          unsafe fillUniform24(d, count: 16)
          if avx2 {
            unsafe NormalBlock.avx2(d, d, mean: m, std: s)
          } else {
            unsafe NormalBlock.scalarFloat(d, d, mean: m, std: s)
          }
          for i in 0..<16 {
            unsafe out[start + i] =
              unsafe isHalf
              ? HalfPrecision.float16Bits(from: d[i]) : HalfPrecision.bfloat16BitsScalar(from: d[i])
          }
        }
        for k in 0..<blocks { block(at: 16 * k) }
        if hasTail { block(at: n - 16) }
      }
    }
  }
}
