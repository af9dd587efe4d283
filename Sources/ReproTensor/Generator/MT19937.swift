/// The MT19937 engine of PyTorch's CPU generator (`at::mt19937`, `core/MT19937RNGEngine.h`).
///
/// The textbook Mersenne Twister with `init_genrand` seeding; its output equals C++
/// `std::mt19937(UInt32(truncatingIfNeeded: seed))`. The fields mirror `mt19937_data_pod`
/// so that the RNG state blob can be written and read back exactly (torch-rng.md §2, §4).
struct MT19937: Sendable {
  /// The number of 32-bit state words.
  static let wordCount = 624
  private static let shift = 397

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

  /// Regenerates all 624 words in place (`next_state()`).
  private mutating func twist() {
    let n = MT19937.wordCount
    let m = MT19937.shift
    unsafe words.withUnsafeMutableBufferPointer { st in
      @inline(__always) func mix(_ u: UInt32, _ v: UInt32) -> UInt32 {
        let y = (u & 0x8000_0000) | (v & 0x7FFF_FFFF)
        return (y >> 1) ^ ((v & 1) != 0 ? 0x9908_B0DF : 0)
      }
      for i in 0..<(n - m) { unsafe st[i] = unsafe st[i + m] ^ mix(st[i], st[i + 1]) }
      for i in (n - m)..<(n - 1) { unsafe st[i] = unsafe st[i + m - n] ^ mix(st[i], st[i + 1]) }
      unsafe st[n - 1] = unsafe st[m - 1] ^ mix(st[n - 1], st[0])
    }
    left = Int32(n) + 1
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

  /// Writes `count` consecutive outputs to `out`; the same stream as `count` calls of `next32()`.
  mutating func fill(_ out: UnsafeMutablePointer<UInt32>, count: Int) {
    var pos = 0
    while pos < count {
      if left == 1 { twist() }  // sets left = 625, next = 0
      let available = Int(left) - 1
      let take = min(count - pos, available)
      let start = Int(next)
      unsafe words.withUnsafeBufferPointer { st in
        for k in 0..<take { unsafe out[pos + k] = unsafe MT19937.temper(st[start + k]) }
      }
      next += UInt32(take)
      left -= Int32(take)
      pos += take
    }
  }
}
