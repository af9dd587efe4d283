/// The MT19937 engine of PyTorch's CPU generator (`at::mt19937`, `core/MT19937RNGEngine.h`).
///
/// The textbook Mersenne Twister with `init_genrand` seeding; its output equals C++
/// `std::mt19937(UInt32(truncatingIfNeeded: seed))`. The fields mirror `mt19937_data_pod`
/// so that the RNG state blob can be written and read back exactly (torch-rng.md §2, §4).
struct MT19937: Sendable {
  /// The number of 32-bit state words.
  static let wordCount = 624

  /// The full 64-bit seed, kept for `initial_seed()` (only the low 32 bits seed the words).
  var seed: UInt64
  /// How many draws are left before the next twist, plus one (`left_`).
  var left: Int32
  /// The index of the next state word to temper (`next_`).
  var next: UInt32
  /// The 624 state words.
  var words: [UInt32]

  /// Seeds the engine like `at::mt19937(seed)`.
  init(seed: UInt64) {
    self.seed = seed
    var w = [UInt32](repeating: 0, count: MT19937.wordCount)
    w[0] = UInt32(truncatingIfNeeded: seed)
    for j in 1..<MT19937.wordCount {
      let prev = w[j - 1]
      w[j] = 1_812_433_253 &* (prev ^ (prev >> 30)) &+ UInt32(j)
    }
    words = w
    left = 1
    next = 0
  }

  /// Restores raw fields (already validated by the caller).
  init(seed: UInt64, left: Int32, next: UInt32, words: [UInt32]) {
    self.seed = seed
    self.left = left
    self.next = next
    self.words = words
  }

  @inline(__always)
  private static func temper(_ x: UInt32) -> UInt32 {
    var y = x
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// Regenerates all 624 words in place (`next_state()`, in C: `RandomKernels.twist`).
  private mutating func twist() {
    unsafe words.withUnsafeMutableBufferPointer { st in unsafe RandomKernels.twist(st.start) }
    left = Int32(MT19937.wordCount) + 1
    next = 0
  }

  /// One 32-bit output (`operator()`).
  @inline(__always)
  mutating func next32() -> UInt32 {
    left -= 1
    if left == 0 {
      twist()
      left = Int32(MT19937.wordCount)
    }
    let y = words[Int(next)]
    next += 1
    return MT19937.temper(y)
  }

  /// Hands `body` the untempered state words of the next `count` outputs, one run between
  /// twists at a time: the words, the run's position in the output, and its length.
  @inline(__always)
  private mutating func consume(
    _ count: Int, _ body: (UnsafePointer<UInt32>, _ position: Int, _ length: Int) -> Void
  ) {
    var pos = 0
    while pos < count {
      if left == 1 { twist() }  // sets left = 625, next = 0
      let take = min(count - pos, Int(left) - 1)
      let start = Int(next)
      unsafe words.withUnsafeBufferPointer { st in unsafe body(st.start + start, pos, take) }
      next += UInt32(take)
      left -= Int32(take)
      pos += take
    }
  }

  /// Writes `count` consecutive outputs to `out`; the same stream as `count` calls of `next32()`.
  mutating func fill(_ out: UnsafeMutablePointer<UInt32>, count: Int) {
    unsafe consume(count) { w, pos, n in unsafe RandomKernels.temper(w, into: out + pos, count: n) }
  }

  /// Writes the float32 uniforms of `count` consecutive outputs to `out`:
  /// `Float(output & 0xFFFFFF) * 2^-24` (`uniform_real_distribution<float>(0, 1)`).
  mutating func fillUniform24(_ out: UnsafeMutablePointer<Float>, count: Int) {
    unsafe consume(count) { w, pos, n in
      unsafe RandomKernels.uniform24(w, into: out + pos, count: n)
    }
  }
}
