/// Integer draws: `torch.randint`, `torch.randperm` (torch-rng.md §7, §8).
extension Generator {
  /// A new contiguous tensor of integers uniform in [`low`, `high`)
  /// (`torch.randint(low, high, shape, dtype=dtype)`).
  ///
  /// With `range = high - low`, each element is `random32() % range` when the range is below
  /// 2^28 and `random64() % range` otherwise (PyTorch accepts the modulo bias), plus `low`.
  ///
  /// - Parameters:
  ///   - low: the smallest value.
  ///   - high: one past the largest value.
  ///   - shape: the shape of the result.
  ///   - dtype: int64 (the default), int32, int16, int8, uint8, or a float dtype whose
  ///     significand holds both bounds exactly.
  /// - Throws: `TensorError` (`invalidArgument` when `low >= high` or a bound does not fit the
  ///   dtype; `unsupportedDType`; `invalidShape` for a negative size).
  public func randint(low: Int64 = 0, high: Int64, shape: [Int], dtype: DType = .int64)
    throws(TensorError) -> Tensor
  {
    let supported: Set<DType> = [
      .int64, .int32, .int16, .int8, .uint8, .float32, .float64, .float16, .bfloat16,
    ]
    let t = try Generator.makeOutput(shape: shape, dtype: dtype, op: "randint", dtypes: supported)
    guard low < high else {
      throw TensorError(
        .invalidArgument,
        "random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
    }
    let (minValue, maxValue) = Generator.exactIntegerRange(dtype)
    guard low >= minValue && low <= maxValue else {
      throw TensorError(
        .invalidArgument, "randint: from=\(low) is out of bounds for \(dtype.pytorchName)")
    }
    guard high - 1 >= minValue && high - 1 <= maxValue else {
      throw TensorError(
        .invalidArgument, "randint: to - 1 = \(high - 1) is out of bounds for \(dtype.pytorchName)")
    }
    let range = UInt64(bitPattern: high &- low)
    let base = UInt64(bitPattern: low)
    let n = t.count
    unsafe t.storage.withUnsafeMutableBytes { raw in
      state.withLock { st in
        let chunk = 2048
        unsafe withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * chunk) { buf in
          let w = unsafe buf.start
          var done = 0
          while done < n {
            let m = min(chunk, n - done)
            if range >= 1 << 28 {
              unsafe st.engine.fill(w, count: 2 * m)
            } else {
              unsafe st.engine.fill(w, count: m)
            }
            for i in 0..<m {
              let draw =
                unsafe range >= 1 << 28
                ? (UInt64(w[2 * i]) << 32 | UInt64(w[2 * i + 1])) : UInt64(w[i])
              let v = Int64(bitPattern: draw % range &+ base)
              unsafe Generator.storeInteger(v, dtype: dtype, into: raw, at: done + i)
            }
            done += m
          }
        }
      }
    }
    return t
  }

  /// A random permutation of 0..<n (`torch.randperm(n, dtype=dtype)`).
  ///
  /// For n < 214748364 this is PyTorch's forward Fisher-Yates: `n - 1` draws, swapping `r[i]`
  /// with `r[i + random32() % (n - i)]`. Larger n use the inside-out variant with one
  /// `random64()` per element. n = 0 and n = 1 draw nothing.
  ///
  /// - Parameters:
  ///   - n: the length, at least 0.
  ///   - dtype: int64 (the default), int32, int16, int8 or uint8; it must hold n - 1.
  /// - Throws: `TensorError` (`invalidShape` for negative `n`, `invalidArgument` when the dtype
  ///   cannot hold n - 1, `unsupportedDType`).
  public func randperm(_ n: Int, dtype: DType = .int64) throws(TensorError) -> Tensor {
    let supported: Set<DType> = [.int64, .int32, .int16, .int8, .uint8]
    let t = try Generator.makeOutput(shape: [n], dtype: dtype, op: "randperm", dtypes: supported)
    guard n == 0 || Int64(n - 1) <= Generator.exactIntegerRange(dtype).max else {
      throw TensorError(
        .invalidArgument,
        "randperm: n = \(n) is too large for result tensor type \(dtype.pytorchName)")
    }
    if n == 0 { return t }
    var perm = [Int64](repeating: 0, count: n)
    state.withLock { st in
      unsafe perm.withUnsafeMutableBufferPointer { r in
        if n < 214_748_364 {
          for i in 0..<n { unsafe r[i] = Int64(i) }
          guard n > 1 else { return }
          let chunk = 4096
          unsafe withUnsafeTemporaryAllocation(of: UInt32.self, capacity: chunk) { buf in
            let w = unsafe buf.start
            var i = 0
            while i < n - 1 {
              let m = min(chunk, n - 1 - i)
              unsafe st.engine.fill(w, count: m)
              for k in 0..<m {
                let z = unsafe Int(UInt64(w[k]) % UInt64(n - i))
                unsafe r.swapAt(i, i + z)
                i += 1
              }
            }
          }
        } else {
          for i in 0..<n {
            let z = Int(st.random64() % UInt64(i + 1))
            unsafe r[i] = unsafe r[z]
            unsafe r[z] = Int64(i)
          }
        }
      }
    }
    unsafe t.storage.withUnsafeMutableBytes { raw in
      for i in 0..<n { unsafe Generator.storeInteger(perm[i], dtype: dtype, into: raw, at: i) }
    }
    return t
  }

  /// The integers a dtype holds exactly (for floats, the range where every integer is exact).
  static func exactIntegerRange(_ dtype: DType) -> (min: Int64, max: Int64) {
    switch dtype {
    case .int32: (Int64(Int32.min), Int64(Int32.max))
    case .int16: (Int64(Int16.min), Int64(Int16.max))
    case .int8: (Int64(Int8.min), Int64(Int8.max))
    case .uint8: (0, 255)
    case .float64: (-(1 << 53), 1 << 53)
    case .float32: (-(1 << 24), 1 << 24)
    case .float16: (-(1 << 11), 1 << 11)
    case .bfloat16: (-(1 << 8), 1 << 8)
    default: (Int64.min, Int64.max)
    }
  }

  /// Stores an int64 as element `i` of a contiguous buffer of `dtype` (`static_cast`).
  @inline(__always)
  static func storeInteger(
    _ v: Int64, dtype: DType, into raw: UnsafeMutableRawBufferPointer, at i: Int
  ) {
    switch dtype {
    case .int64: unsafe raw.storeBytes(of: v, toByteOffset: 8 * i, as: Int64.self)
    case .int32:
      unsafe raw.storeBytes(of: Int32(truncatingIfNeeded: v), toByteOffset: 4 * i, as: Int32.self)
    case .int16:
      unsafe raw.storeBytes(of: Int16(truncatingIfNeeded: v), toByteOffset: 2 * i, as: Int16.self)
    case .int8:
      unsafe raw.storeBytes(of: Int8(truncatingIfNeeded: v), toByteOffset: i, as: Int8.self)
    case .uint8:
      unsafe raw.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
    case .float64: unsafe raw.storeBytes(of: Double(v), toByteOffset: 8 * i, as: Double.self)
    case .float32: unsafe raw.storeBytes(of: Float(v), toByteOffset: 4 * i, as: Float.self)
    case .float16:
      unsafe raw.storeBytes(
        of: HalfPrecision.float16Bits(from: Float(v)), toByteOffset: 2 * i, as: UInt16.self)
    default:
      unsafe raw.storeBytes(
        of: HalfPrecision.bfloat16BitsScalar(from: Float(v)), toByteOffset: 2 * i, as: UInt16.self)
    }
  }
}
