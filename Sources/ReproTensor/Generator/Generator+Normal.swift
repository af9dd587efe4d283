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
    return fused ? LibM.fma(z, std, mean) : z * std + mean
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
  ///
  /// PyTorch draws all n uniforms, then runs the 16-element blocks, then for a length that is
  /// not a multiple of 16 draws 16 more whose block overwrites the last 16 outputs. A block
  /// reads only its own 16 uniforms, so drawing and transforming chunk by chunk (in cache)
  /// consumes the stream in the same order and gives the same bits.
  mutating func normalVectorised(
    _ raw: UnsafeMutableRawPointer, count n: Int, dtype: DType, mean: Double, std: Double,
    capability: Generator.Capability
  ) {
    let chunk = GeneratorState.normalChunk
    let hasTail = n % 16 != 0
    switch dtype {
    case .float64:
      let out = unsafe raw.bindMemory(to: Double.self, capacity: n)
      var done = 0
      while done < n {
        let m = min(chunk, n - done)
        unsafe fillUniform53(out + done, count: m)
        let p = unsafe out + done
        unsafe RandomKernels.normalBlocks(p, p, blocks: m / 16, mean: mean, std: std)
        done += m
      }
      if hasTail {
        unsafe withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { buf in
          unsafe fillUniform53(buf.start, count: 16)
          unsafe RandomKernels.normalBlocks(
            buf.start, out + (n - 16), blocks: 1, mean: mean, std: std)
        }
      }
    case .float32:
      let out = unsafe raw.bindMemory(to: Float.self, capacity: n)
      let m32 = Float(mean)
      let s32 = Float(std)
      var done = 0
      while done < n {
        let m = min(chunk, n - done)
        let p = unsafe out + done
        unsafe fillUniform24(p, count: m)
        unsafe RandomKernels.normalBlocks(
          p, p, blocks: m / 16, mean: m32, std: s32, capability: capability)
        done += m
      }
      if hasTail {
        unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { buf in
          unsafe fillUniform24(buf.start, count: 16)
          unsafe RandomKernels.normalBlocks(
            buf.start, out + (n - 16), blocks: 1, mean: m32, std: s32, capability: capability)
        }
      }
    default:
      // float16 / bfloat16: PyTorch runs each block on a 16-float stack buffer, so only 16
      // draws per block and the tail draws 16 more; drawing many blocks at once is the same
      // stream.
      let out = unsafe raw.bindMemory(to: UInt16.self, capacity: n)
      let m32 = Float(mean)
      let s32 = Float(std)
      let isHalf = dtype == .float16
      unsafe withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { buf in
        let d = unsafe buf.start
        func blocks(_ count: Int, at start: Int) {
          unsafe fillUniform24(d, count: 16 * count)
          unsafe RandomKernels.normalBlocks(
            d, d, blocks: count, mean: m32, std: s32, capability: capability)
          for i in 0..<(16 * count) {
            unsafe out[start + i] =
              unsafe isHalf
              ? HalfPrecision.float16Bits(from: d[i]) : HalfPrecision.bfloat16BitsScalar(from: d[i])
          }
        }
        let total = n / 16
        var done = 0
        while done < total {
          let k = min(chunk / 16, total - done)
          blocks(k, at: 16 * done)
          done += k
        }
        if hasTail { blocks(1, at: n - 16) }
      }
    }
  }

  /// Elements drawn and transformed per chunk of the vectorised normal path (a multiple of 16
  /// that keeps a chunk in the L1/L2 cache).
  static let normalChunk = 4096
}
