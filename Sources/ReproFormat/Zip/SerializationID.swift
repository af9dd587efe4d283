/// The `.data/serialization_id` that PyTorch's `PyTorchStreamWriter::writeSerializationId`
/// writes: 20 decimal digits of a hash of the record names, then 20 of a hash of the CRC-32s
/// that went through the writer's data descriptors.
///
/// It reproduces libstdc++ (g++ builds of torch, as on Linux): `std::hash<std::string>` and the
/// iteration order of the `std::unordered_set<std::string>` that holds the names. Builds of
/// torch on other standard libraries (libc++, MSVC) produce other ids; readers ignore the id.
enum SerializationID {
  /// The id for `names` (records written before the id, archive folder excluded, in write
  /// order) and `crcs` (values hashed from data descriptors, in write order).
  static func make(recordNames names: [String], descriptorCRCs crcs: [UInt32]) -> String {
    var nameHash: UInt64 = 0
    for name in unorderedSetOrder(names) {
      nameHash = combine(nameHash, libstdcxxHash(Array(name.utf8)))
    }
    var crcHash: UInt64 = 0
    for crc in crcs { crcHash = combine(crcHash, UInt64(crc)) }
    return pad20(nameHash) + pad20(crcHash)
  }

  private static func pad20(_ v: UInt64) -> String {
    let s = String(v)
    return String(repeating: "0", count: 20 - s.count) + s
  }

  /// `c10::hash_combine` on 64-bit `size_t`.
  static func combine(_ seed: UInt64, _ value: UInt64) -> UInt64 {
    seed ^ (value &+ 0x9E37_79B9 &+ (seed << 6) &+ (seed >> 2))
  }

  /// libstdc++'s `std::_Hash_bytes` (64-bit MurmurHash2 variant) with seed `0xC70F6907`.
  static func libstdcxxHash(_ data: [UInt8], seed: UInt64 = 0xC70F_6907) -> UInt64 {
    let mul: UInt64 = 0xC6A4_A793_5BD1_E995
    func shiftMix(_ v: UInt64) -> UInt64 { v ^ (v >> 47) }
    func loadLE(_ from: Int, _ count: Int) -> UInt64 {
      var v: UInt64 = 0
      for k in 0..<count { v |= UInt64(data[from + k]) << (8 * UInt64(k)) }
      return v
    }
    let n = data.count
    var h = seed ^ (UInt64(n) &* mul)
    let aligned = n & ~7
    var p = 0
    while p < aligned {
      let w = shiftMix(loadLE(p, 8) &* mul) &* mul
      h = (h ^ w) &* mul
      p += 8
    }
    if n & 7 != 0 { h = (h ^ loadLE(aligned, n & 7)) &* mul }
    h = shiftMix(h) &* mul
    return shiftMix(h)
  }

  /// The iteration order of a libstdc++ `std::unordered_set<std::string>` after inserting
  /// `names` in order (duplicates ignored).
  ///
  /// The set is one singly linked list; each bucket remembers the node *before* its first
  /// node. A new node goes right after that node (to the front of its bucket's run), or to
  /// the very front of the list when its bucket is empty. The bucket count follows
  /// `_Prime_rehash_policy` (max load factor 1): 1, then 13 on the first insert, then the first
  /// prime of libstdc++'s table at or above twice the count; a rehash relinks the old list in
  /// order with the same front-of-run rule.
  static func unorderedSetOrder(_ names: [String]) -> [String] {
    var hashes: [UInt64] = []
    var seen = Set<String>()
    var order: [String] = []
    for name in names where seen.insert(name).inserted {
      order.append(name)
      hashes.append(libstdcxxHash(Array(name.utf8)))
    }
    let none = -1
    let head = -2
    var next = [Int](repeating: none, count: order.count)
    var first = none  // the node after the list head
    var before: [Int: Int] = [:]  // bucket -> node before its first node (head = -2)
    var bucketCount = 1
    var nextResize = 0
    func setNext(_ node: Int, _ value: Int) {
      if node == head { first = value } else { next[node] = value }
    }
    func getNext(_ node: Int) -> Int { node == head ? first : next[node] }

    for node in 0..<order.count {
      let count = node
      if count + 1 > nextResize {
        let minBuckets = max(count + 1, nextResize == 0 ? 11 : 0)
        if minBuckets >= bucketCount {
          let (nb, resize) = nextBucketCount(max(minBuckets + 1, bucketCount * 2))
          nextResize = resize
          // Rehash: walk the old list, relink into the new buckets.
          var p = first
          first = none
          before.removeAll(keepingCapacity: true)
          bucketCount = nb
          var previousBucket = -1
          while p != none {
            let following = next[p]
            let b = Int(hashes[p] % UInt64(bucketCount))
            if let bb = before[b] {
              next[p] = getNext(bb)
              setNext(bb, p)
            } else {
              next[p] = first
              first = p
              before[b] = head
              if next[p] != none { before[previousBucket] = p }
              previousBucket = b
            }
            p = following
          }
        } else {
          nextResize = bucketCount
        }
      }
      let b = Int(hashes[node] % UInt64(bucketCount))
      if let bb = before[b] {
        next[node] = getNext(bb)
        setNext(bb, node)
      } else {
        next[node] = first
        first = node
        if next[node] != none { before[Int(hashes[next[node]] % UInt64(bucketCount))] = node }
        before[b] = head
      }
    }
    var result: [String] = []
    result.reserveCapacity(order.count)
    var p = first
    while p != none {
      result.append(order[p])
      p = next[p]
    }
    return result
  }

  /// `_Prime_rehash_policy::_M_next_bkt`: the bucket count for at least `n` buckets and the
  /// element count that triggers the next rehash (max load factor 1).
  private static func nextBucketCount(_ n: Int) -> (buckets: Int, nextResize: Int) {
    let fast = [2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13]
    if n < fast.count { return n == 0 ? (1, 0) : (fast[n], fast[n]) }
    // First prime >= n among libstdc++'s __prime_list, searched from index 6 (as it does).
    var lo = 6
    var hi = primes.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if primes[mid] < n { lo = mid + 1 } else { hi = mid }
    }
    let p = lo < primes.count ? primes[lo] : primes[primes.count - 1]
    return (p, p)
  }

  /// libstdc++'s `std::__detail::__prime_list` (first 256 entries, enough for any archive).
  private static let primes: [Int] = [
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
    97, 103, 109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257, 277, 293,
    313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709, 761, 823, 887, 953, 1031,
    1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029, 2179, 2357, 2549, 2753, 2971, 3209,
    3469, 3739, 4027, 4349, 4703, 5087, 5503, 5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273,
    11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267, 28411,
    30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817, 78779,
    85229, 92203, 99733, 107897, 116731, 126271, 136607, 147793, 159871, 172933, 187091, 202409,
    218971, 236897, 256279, 277261, 299951, 324503, 351061, 379787, 410857, 444487, 480881,
    520241, 562841, 608903, 658753, 712697, 771049, 834181, 902483, 976369, 1_056_323, 1_142_821,
    1_236_397, 1_337_629, 1_447_153, 1_565_659, 1_693_859, 1_832_561, 1_982_627, 2_144_977,
    2_320_627, 2_510_653, 2_716_249, 2_938_679, 3_179_303, 3_439_651, 3_721_303, 4_026_031,
    4_355_707, 4_712_381, 5_098_259, 5_515_729, 5_967_347, 6_456_007, 6_984_629, 7_556_579,
    8_175_383, 8_844_859, 9_569_143, 10_352_717, 11_200_489, 12_117_689, 13_109_983, 14_183_539,
    15_345_007, 16_601_593, 17_961_079, 19_431_899, 21_023_161, 22_744_717, 24_607_243,
    26_622_317, 28_802_401, 31_160_981, 33_712_729, 36_473_443, 39_460_231, 42_691_603,
    46_187_573, 49_969_847, 54_061_849, 58_488_943, 63_278_561, 68_460_391, 74_066_549,
    80_131_819, 86_693_767, 93_793_069, 101_473_717, 109_783_337, 118_773_397, 128_499_677,
    139_022_417, 150_406_843, 162_723_577, 176_048_909, 190_465_427, 206_062_531, 222_936_881,
    241_193_053, 260_944_219, 282_312_799, 305_431_229, 330_442_829, 357_502_601, 386_778_277,
    418_451_333, 452_718_089, 489_790_921, 529_899_637, 573_292_817, 620_239_453, 671_030_513,
    725_980_837, 785_430_967, 849_749_479, 919_334_987, 994_618_837, 1_076_067_617,
    1_164_186_217, 1_259_520_799, 1_362_662_261, 1_474_249_943, 1_594_975_441, 1_725_587_117,
    1_866_894_511, 2_019_773_507, 2_185_171_673, 2_364_114_217, 2_557_710_269, 2_767_159_799,
    2_993_761_039, 3_238_918_481, 3_504_151_727, 3_791_104_843, 4_101_556_399, 4_294_967_291,
  ]
}
