/// The RNG state blob of `torch.get_rng_state()` / `torch.set_rng_state()` (torch-rng.md §4).
extension Generator {
  /// The size of PyTorch's `CPUGeneratorImplState`, in bytes.
  public static let stateByteCount = 5056

  /// The generator state as the 5056 bytes of `torch.get_rng_state()` (a memcpy of
  /// `CPUGeneratorImplState`, little-endian).
  ///
  /// Layout: initial seed (u64), `left` (i32), `seeded` (i32), `next` (u64), the 624 state
  /// words each widened to u64, `normal_x`, `normal_y`, `normal_rho` (f64, only `normal_y`
  /// used: the pending serial normal sample), `normal_is_valid` (i32), padding, then the
  /// float cache (f32 + bool), which PyTorch 2.13 always writes as 0 / false.
  public func stateBytes() -> [UInt8] {
    let st = state.withLock { $0 }
    var b = [UInt8](repeating: 0, count: Generator.stateByteCount)
    unsafe b.withUnsafeMutableBytes { raw in
      unsafe raw.storeBytes(of: st.engine.seed.littleEndian, toByteOffset: 0, as: UInt64.self)
      unsafe raw.storeBytes(of: st.engine.left.littleEndian, toByteOffset: 8, as: Int32.self)
      unsafe raw.storeBytes(of: Int32(1).littleEndian, toByteOffset: 12, as: Int32.self)
      unsafe raw.storeBytes(
        of: UInt64(st.engine.next).littleEndian, toByteOffset: 16, as: UInt64.self)
      for (i, w) in st.engine.words.enumerated() {
        unsafe raw.storeBytes(of: UInt64(w).littleEndian, toByteOffset: 24 + 8 * i, as: UInt64.self)
      }
      if let y = st.nextDoubleNormal {
        unsafe raw.storeBytes(of: y.bitPattern.littleEndian, toByteOffset: 5024, as: UInt64.self)
        unsafe raw.storeBytes(of: Int32(1).littleEndian, toByteOffset: 5040, as: Int32.self)
      }
    }
    return b
  }

  /// Restores a state written by `stateBytes()` or `torch.get_rng_state()`
  /// (`torch.set_rng_state`).
  ///
  /// As PyTorch does, each state word is truncated to 32 bits and `next` to a u32, and the
  /// normal caches come back from their valid flags. The state is replaced only when the blob
  /// is valid.
  ///
  /// - Throws: `TensorError` with code `invalidGeneratorState`: "Expected a
  ///   CPUGeneratorImplState of size 5056 but found the input RNG state size to be N" for a
  ///   wrong length; "Invalid mt19937 state" when `seeded` is 0, `left` is outside 1...624 or
  ///   `next` exceeds 624 (PyTorch's checks), and also when `left + next` exceeds 625, a state
  ///   PyTorch accepts but that would make it read past its 624 words.
  public func setState(_ bytes: [UInt8]) throws(TensorError) {
    guard bytes.count == Generator.stateByteCount else {
      throw TensorError(
        .invalidGeneratorState,
        "Expected a CPUGeneratorImplState of size \(Generator.stateByteCount) but found the input RNG state size to be \(bytes.count)"
      )
    }
    let restored: GeneratorState? = unsafe bytes.withUnsafeBytes { raw in
      func u64(_ at: Int) -> UInt64 {
        unsafe UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
      }
      func i32(_ at: Int) -> Int32 {
        unsafe Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self))
      }
      let seed = u64(0)
      let left = i32(8)
      let seeded = i32(12)
      let next = UInt32(truncatingIfNeeded: u64(16))
      guard seeded != 0, left > 0, left <= 624, next <= 624, Int(left) + Int(next) <= 625 else {
        return nil
      }
      let words = (0..<MT19937.wordCount).map { UInt32(truncatingIfNeeded: u64(24 + 8 * $0)) }
      let engine = MT19937(seed: seed, left: left, next: next, words: words)
      let doubleValid = i32(5040) != 0
      let floatValid = unsafe raw[5052] != 0
      return unsafe GeneratorState(
        engine: engine,
        nextDoubleNormal: doubleValid ? Double(bitPattern: u64(5024)) : nil,
        nextFloatNormal: floatValid
          ? Float(bitPattern: raw.loadUnaligned(fromByteOffset: 5048, as: UInt32.self)) : nil)
    }
    guard let restored else {
      throw TensorError(
        .invalidGeneratorState,
        "Invalid mt19937 state (seeded, left and next must satisfy seeded != 0, 0 < left <= 624, next <= 624, left + next <= 625)"
      )
    }
    state.withLock { $0 = restored }
  }
}
