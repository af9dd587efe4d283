import Synchronization

/// PyTorch 2.13's CPU random number generator, reproduced bit for bit.
///
/// A generator is an MT19937 engine plus the cached second sample of the double Box-Muller
/// transform, exactly like `at::CPUGeneratorImpl`. Every distribution here (`rand`, `randn`,
/// `uniform_`, `normal_`, `randint`, `randperm`, `bernoulli_`, `dropout`, `kaimingUniform_`,
/// `kaimingNormal_`) consumes the stream the way PyTorch's AVX2 kernels do (the kernels every
/// x86-64 machine with AVX2 or AVX-512 runs), so that a seeded generator here produces the same
/// bits as `torch.manual_seed(seed)` followed by the same calls. See torch-rng.md.
///
/// The generator is a reference type: each call locks its state for the whole call, as
/// PyTorch's `generator->mutex_` does, so it can be shared between tasks.
///
/// ```swift
/// let g = Generator(seed: 0)                     // torch.manual_seed(0)
/// let x = try g.randn(shape: [1000])              // torch.randn(1000)
/// x.sha256Hex()                                   // same as torch's bytes
/// let w = Tensor(zeros: [64, 3, 7, 7], dtype: .float32)
/// try g.fillKaimingNormal(w, mode: .fanOut, nonlinearity: .relu)
/// ```
public final class Generator: Sendable {
  /// The seed of a fresh `torch.Generator()` (`default_rng_seed_val`, 67280421310721).
  public static let defaultSeed: UInt64 = 67_280_421_310_721

  /// The process-wide generator that the free-standing calls use, like `torch.default_generator`.
  ///
  /// PyTorch seeds its default generator from `/dev/urandom` at start-up; this one starts from
  /// `defaultSeed` so that a process is reproducible even before anything calls `manualSeed`.
  public static let `default` = Generator(seed: defaultSeed)

  /// Which copy of PyTorch's CPU kernels a generator reproduces (`ATEN_CPU_CAPABILITY`).
  ///
  /// The two differ only where the compiler fused multiply-adds or where the AVX2 copy uses
  /// polynomial `log`/`sincos` (torch-rng.md §0); the engine, `rand`, integers, permutations and
  /// Bernoulli draws are the same on both.
  public enum Capability: String, Sendable, CaseIterable {
    /// The AVX2 kernels, run by every x86-64 machine with AVX2 or AVX-512: the canonical path.
    case avx2
    /// The DEFAULT kernels (`ATEN_CPU_CAPABILITY=default`, CPUs without AVX2): glibc `logf`,
    /// `sincosf`, and unfused `x * range + from` in `uniform_`.
    case `default`
  }

  /// The kernel copy whose bits this generator reproduces.
  public let capability: Capability

  let state: Mutex<GeneratorState>

  /// Creates a generator seeded with `seed` (`torch.Generator().manual_seed(seed)`).
  ///
  /// - Parameters:
  ///   - seed: the seed; only its low 32 bits reach MT19937, the whole value is `initialSeed`.
  ///   - capability: which PyTorch kernel copy to reproduce; `.avx2` unless you compare with a
  ///     run under `ATEN_CPU_CAPABILITY=default`.
  public init(seed: UInt64 = Generator.defaultSeed, capability: Capability = .avx2) {
    self.capability = capability
    state = Mutex(GeneratorState(seed: seed))
  }

  /// Creates a generator seeded with a signed seed; negative values wrap modulo 2^64, as
  /// Python ints passed to `torch.manual_seed` do (`-1` is `2^64 - 1`).
  public convenience init(seed: Int64, capability: Capability = .avx2) {
    self.init(seed: UInt64(bitPattern: seed), capability: capability)
  }

  /// Reseeds the generator (`manual_seed`): the seed is kept whole for `initialSeed`, only its
  /// low 32 bits seed MT19937, and the normal-sample cache is cleared.
  public func manualSeed(_ seed: UInt64) {
    state.withLock { $0 = GeneratorState(seed: seed) }
  }

  /// Reseeds the generator with a signed seed; negative values wrap modulo 2^64 like Python
  /// ints do in `torch.manual_seed` (`manualSeed(-1)` equals `manualSeed(UInt64.max)`).
  public func manualSeed(_ seed: Int64) {
    manualSeed(UInt64(bitPattern: seed))
  }

  /// The 64-bit seed given to the last `manualSeed` (`initial_seed()`).
  public var initialSeed: UInt64 {
    state.withLock { $0.engine.seed }
  }

  /// Draws one 32-bit engine output (`generator->random()`).
  public func random32() -> UInt32 {
    state.withLock { $0.engine.next32() }
  }

  /// Draws two engine outputs as one 64-bit value, the first draw in the high word
  /// (`generator->random64()`).
  public func random64() -> UInt64 {
    state.withLock { $0.random64() }
  }

  /// An independent generator in the same state (the same future stream and cache).
  public func copy() -> Generator {
    let snapshot = state.withLock { $0 }
    let g = Generator(capability: capability)
    g.state.withLock { $0 = snapshot }
    return g
  }
}

/// The mutable part of a generator, guarded by the generator's mutex.
struct GeneratorState: Sendable {
  var engine: MT19937
  /// The pending raw N(0,1) sample of the serial double Box-Muller (`next_double_normal_sample`).
  var nextDoubleNormal: Double?
  /// `next_float_normal_sample`: restored by `setState`, never used or set by a CPU kernel.
  var nextFloatNormal: Float?

  init(seed: UInt64) {
    engine = MT19937(seed: seed)
    nextDoubleNormal = nil
    nextFloatNormal = nil
  }

  init(engine: MT19937, nextDoubleNormal: Double?, nextFloatNormal: Float?) {
    self.engine = engine
    self.nextDoubleNormal = nextDoubleNormal
    self.nextFloatNormal = nextFloatNormal
  }

  @inline(__always)
  mutating func random64() -> UInt64 {
    let hi = UInt64(engine.next32())
    let lo = UInt64(engine.next32())
    return hi << 32 | lo
  }

  /// `uniform_real_distribution<float>(0, 1)`: 24 low bits of one draw times 2^-24.
  @inline(__always)
  mutating func uniform24() -> Float {
    Float(engine.next32() & 0xFF_FFFF) * 0x1p-24
  }

  /// `uniform_real_distribution<double>(0, 1)`: 53 low bits of `random64()` times 2^-53.
  @inline(__always)
  mutating func uniform53() -> Double {
    Double(random64() & (1 << 53 - 1)) * 0x1p-53
  }

  /// Fills `out` with `count` float32 `uniform24()` values (one draw each, in order).
  mutating func fillUniform24(_ out: UnsafeMutablePointer<Float>, count: Int) {
    unsafe engine.fillUniform24(out, count: count)
  }

  /// Fills `out` with `count` float64 `uniform53()` values (two draws each, in order).
  mutating func fillUniform53(_ out: UnsafeMutablePointer<Double>, count: Int) {
    let chunk = 1024
    unsafe withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * chunk) { words in
      let w = unsafe words.start
      var done = 0
      while done < count {
        let m = min(chunk, count - done)
        unsafe engine.fill(w, count: 2 * m)
        for i in 0..<m {
          let v = unsafe (UInt64(w[2 * i]) << 32 | UInt64(w[2 * i + 1])) & (1 << 53 - 1)
          unsafe out[done + i] = Double(v) * 0x1p-53
        }
        done += m
      }
    }
  }
}
