import Foundation
import ReproTestSupport
import Testing

@testable import ReproTensor

/// `Tensor.to(_:)` checked against the vectors real PyTorch 2.13 wrote.
///
/// Scripts/make_cast_vectors.py wrote Golden/pytorch/casts/. Every expected byte comes from
/// torch; nothing is computed here except the documented input formulas.
@Suite struct CastTests {
  // MARK: Golden files

  static let castsDirectory = Repository.golden("pytorch/casts")

  static func golden(_ name: String) throws -> [String: Any] {
    let doc = try TestJSON.object(from: castsDirectory.appendingPathComponent(name + ".json"))
    #expect(doc["torch"] as? String == "2.13.0+cpu")
    #expect(doc["capability"] as? String == "AVX2")
    return doc
  }

  /// A contiguous 1-d tensor over a copy of `bytes`.
  static func tensor(_ bytes: [UInt8], _ dtype: DType) throws -> Tensor {
    try #require(bytes.count % dtype.elementSize == 0)
    let n = bytes.count / dtype.elementSize
    return try Tensor(storage: Storage(bytes: bytes), dtype: dtype, shape: [n], strides: [1])
  }

  static func sourceBytes(_ dtype: DType) throws -> [UInt8] {
    let sources = try GoldenFiles.field(
      try golden("pairs"), "sources", as: [String: [String: Any]].self)
    let entry = try GoldenFiles.field(sources, dtype.rawValue, as: [String: Any].self)
    return try GoldenFiles.hexField(entry, "bytes")
  }

  /// The 12 dtypes of pairs.json and patterns.json (the newer ones are in Float8CastTests).
  static let classic = DType.allCases.filter { !$0.usesUntypedStorage }

  // MARK: Every pair of the 12 dtypes

  @Test(
    "every (source, destination) pair of edge values matches PyTorch",
    arguments: CastTests.classic, CastTests.classic)
  func pairMatchesPyTorch(source: DType, destination: DType) throws {
    let input = try CastTests.tensor(try CastTests.sourceBytes(source), source)
    if source == destination {
      let same = input.to(destination)
      #expect(same.storage === input.storage, "to(same dtype) must return self")
      return
    }
    let pairs = try GoldenFiles.field(
      try CastTests.golden("pairs"), "pairs", as: [[String: String]].self)
    let entry = try #require(
      pairs.first { $0["src"] == source.rawValue && $0["dst"] == destination.rawValue })
    let expected = try GoldenFiles.hexField(entry, "bytes")
    let actual = input.to(destination).contiguousBytes()
    let size = destination.elementSize
    try #require(actual.count == expected.count)
    for i in 0..<(expected.count / size)
    where actual[(i * size)..<((i + 1) * size)] != expected[(i * size)..<((i + 1) * size)] {
      Issue.record(
        "\(source)→\(destination) element \(i) (\(input.scalar(atStorageIndex: i))): got \(GoldenFiles.hex(actual[(i * size)..<((i + 1) * size)])), PyTorch \(GoldenFiles.hex(expected[(i * size)..<((i + 1) * size)]))"
      )
    }
  }

  @Test func positionDependentNaNBitsMatchPyTorch() throws {
    let positions = try GoldenFiles.field(
      try CastTests.golden("pairs"), "positions", as: [[String: Any]].self)
    #expect(positions.count == 75)
    for p in positions {
      let src = try #require(DType(rawValue: try GoldenFiles.field(p, "src", as: String.self)))
      let dst = try #require(DType(rawValue: try GoldenFiles.field(p, "dst", as: String.self)))
      let input = try CastTests.tensor(try GoldenFiles.hexField(p, "input"), src)
      let expected = try GoldenFiles.hexField(p, "output")
      #expect(input.to(dst).contiguousBytes() == expected, "\(src)→\(dst), \(input.count) elements")
    }
  }

  // MARK: Exhaustive 16-bit patterns

  /// All 65536 patterns of a 16-bit dtype, pattern i at index i.
  static func allPatterns(_ dtype: DType) -> Tensor {
    var storage = [UInt8]()
    storage.reserveCapacity(131_072)
    for i in 0..<65536 { storage += [UInt8(i & 0xFF), UInt8(i >> 8)] }
    return Tensor(
      unchecked: Storage(bytes: storage), dtype: dtype, shape: [65536], strides: [1],
      storageOffset: 0, device: .cpu, requiresGrad: false)
  }

  @Test(
    "all 65536 patterns to float32, float64, the other 16-bit type and back",
    arguments: [DType.float16, .bfloat16])
  func exhaustiveSixteenBitCasts(dtype: DType) throws {
    let doc = try CastTests.golden("half_exhaustive")
    let tag = dtype == .float16 ? "f16" : "bf16"
    let other: DType = dtype == .float16 ? .bfloat16 : .float16
    let x = CastTests.allPatterns(dtype)
    let f = x.to(.float32)
    #expect(f.sha256Hex() == doc["\(tag)_to_f32"] as? String)
    #expect(x.to(.float64).sha256Hex() == doc["\(tag)_to_f64"] as? String)
    #expect(
      x.to(other).sha256Hex() == doc["\(tag)_to_\(other == .float16 ? "f16" : "bf16")"] as? String)
    #expect(f.to(dtype).sha256Hex() == doc["\(tag)_roundtrip_f32"] as? String)
    // The special blocks, value by value, so a mismatch names the pattern.
    let blocks = try GoldenFiles.field(doc, "\(tag)_to_f32_special", as: [[String: Any]].self)
    #expect(blocks.count == 4)
    let out = f.toArray(of: Float.self)
    for block in blocks {
      let first = try GoldenFiles.field(block, "first", as: Int.self)
      let expected = try GoldenFiles.hexField(block, "f32")
      for k in 0..<(expected.count / 4) {
        let want = expected.withUnsafeBytes {
          $0.loadUnaligned(fromByteOffset: k * 4, as: UInt32.self)
        }
        let got = out[first + k].bitPattern
        if got != want {
          Issue.record(
            "\(dtype) 0x\(String(first + k, radix: 16)) → float32 0x\(String(got, radix: 16)), PyTorch 0x\(String(want, radix: 16))"
          )
        }
      }
    }
  }

  @Test func float16ToFloatScalarTailMatchesPyTorch() throws {
    // Each pattern inside the 7-element chunks the script converted: all in the scalar tail.
    let x = CastTests.allPatterns(.float16)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(65536 * 4)
    var start = 0
    while start < 65536 {
      let chunk = try x.slice(dim: 0, start: start, end: min(start + 7, 65536)).to(.float32)
      bytes += chunk.contiguousBytes()
      start += 7
    }
    #expect(
      SHA256Digest.hex(of: bytes)
        == (try CastTests.golden("half_exhaustive")["f16_to_f32_tail"] as? String))
  }

  // MARK: Deterministic patterns

  static let f32Mantissas: [UInt32] = [
    0, 1, 0xFFF, 0x1000, 0x1001, 0x1FFF, 0x2000, 0x3000, 0x7FFF, 0x8000, 0x8001, 0x18000,
    0x400000, 0x7FE000, 0x7FF000, 0x7FFFFF,
  ]

  /// The float32 formula of make_cast_vectors.py `f32_patterns`.
  static func float32Patterns() -> [UInt32] {
    var bits: [UInt32] = []
    for s: UInt32 in 0...1 {
      for e: UInt32 in 0...255 {
        for m in f32Mantissas { bits.append(s << 31 | e << 23 | m) }
      }
    }
    for k: UInt32 in 0..<8195 { bits.append(k &* 0x9E37_79B1 &+ 0x7F4A_7C15) }
    return bits
  }

  static func hashed(_ k: Int) -> UInt64 {
    UInt64(k) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019
  }

  /// The float64 formula of make_cast_vectors.py `f64_patterns`.
  static func float64Patterns() -> [UInt64] {
    let exps: [UInt64] = [
      0, 1, 2047, 1023, 1024, 1022, 1023 + 15, 1023 + 16, 1023 - 14, 1023 - 15, 1023 - 24,
      1023 - 25, 1023 - 126, 1023 - 127, 1023 - 149, 1023 - 150, 1023 + 127, 1023 + 128,
      1023 + 31, 1023 + 63, 1023 + 8, 1023 - 1,
    ]
    let lows: [UInt64] = [0, 1 << 28, (1 << 28) + 1, (1 << 28) - 1, 1, (1 << 29) - 1, 0x0AB_CDEF]
    return (0..<4099).map { k in
      let h = hashed(k)
      let mantissa =
        (h >> 11) & ~((1 << 29) - 1) & ((1 << 52) - 1) | lows[(k / exps.count) % lows.count]
      return (h >> 63) << 63 | exps[k % exps.count] << 52 | mantissa
    }
  }

  /// The int64 formula of make_cast_vectors.py `i64_patterns`.
  static func int64Patterns() -> [Int64] {
    (0..<4099).map { k in Int64(bitPattern: hashed(k)) >> Int64(k % 64) }
  }

  static func patternTensor(_ source: DType) -> Tensor {
    switch source {
    case .float32: Tensor(float32Patterns().map { Float(bitPattern: $0) })
    case .float64: Tensor(float64Patterns().map { Double(bitPattern: $0) })
    default: Tensor(int64Patterns())
    }
  }

  @Test(
    "deterministic float32/float64/int64 patterns to every dtype",
    arguments: [DType.float32, .float64, .int64])
  func patternsMatchPyTorch(source: DType) throws {
    let doc = try GoldenFiles.field(
      try CastTests.golden("patterns"), source.rawValue, as: [String: Any].self)
    let x = CastTests.patternTensor(source)
    #expect(x.count == doc["count"] as? Int)
    #expect(
      x.sha256Hex() == doc["input_sha256"] as? String, "input formula differs from the script's")
    let outputs = try GoldenFiles.field(doc, "outputs", as: [String: String].self)
    #expect(outputs.count == 11)
    for destination in CastTests.classic where destination != source {
      #expect(
        x.to(destination).sha256Hex() == outputs[destination.rawValue], "\(source)→\(destination)")
    }
    guard source == .float32 else { return }
    let inputs = CastTests.float32Patterns()
    for (destination, key) in [(DType.float16, "float16_bytes"), (.bfloat16, "bfloat16_bytes")] {
      let expected = try GoldenFiles.hexField(doc, key)
      let actual = x.to(destination).contiguousBytes()
      try #require(actual.count == expected.count)
      var mismatches = 0
      for i in 0..<inputs.count
      where actual[2 * i] != expected[2 * i] || actual[2 * i + 1] != expected[2 * i + 1] {
        mismatches += 1
        if mismatches <= 10 {
          Issue.record(
            "float32 0x\(String(inputs[i], radix: 16)) → \(destination): got \(GoldenFiles.hex(actual[(2 * i)..<(2 * i + 2)])), PyTorch \(GoldenFiles.hex(expected[(2 * i)..<(2 * i + 2)]))"
          )
        }
      }
    }
  }

  // MARK: Element access

  /// Whether two doubles are the same value: equal bits, or both NaN (Python's `tolist()` goes
  /// through a different float16 → double conversion for NaN payloads).
  static func sameValue(_ a: Double, _ b: Double) -> Bool {
    a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
  }

  static func double(hex: String) throws -> Double {
    let b = try GoldenFiles.bytes(hex: hex)
    try #require(b.count == 8)
    return b.withUnsafeBytes { Double(bitPattern: $0.loadUnaligned(as: UInt64.self)) }
  }

  @Test(
    "scalar(atStorageIndex:) reads what PyTorch's tolist() reads", arguments: CastTests.classic)
  func elementAccessMatchesToList(dtype: DType) throws {
    let sources = try GoldenFiles.field(
      try CastTests.golden("pairs"), "sources", as: [String: [String: Any]].self)
    let entry = try GoldenFiles.field(sources, dtype.rawValue, as: [String: Any].self)
    let values = try GoldenFiles.field(entry, "values", as: [Any].self)
    let t = try CastTests.tensor(try GoldenFiles.hexField(entry, "bytes"), dtype)
    #expect(t.count == values.count)
    for (i, v) in values.enumerated() {
      let got = t.scalar(atStorageIndex: i)
      switch got {
      case .bool(let b): #expect(b == (v as? Bool), "\(dtype)[\(i)]")
      case .int(let k): #expect(String(k) == (v as? String), "\(dtype)[\(i)]")
      case .uint(let k): #expect(String(k) == (v as? String), "\(dtype)[\(i)]")
      case .float(let d):
        let want = try CastTests.double(hex: try #require(v as? String))
        #expect(CastTests.sameValue(d, want), "\(dtype)[\(i)]: \(d) vs tolist() \(want)")
      case .complex(let re, let im):
        let parts = try #require(v as? [String])
        let (wre, wim) = (try CastTests.double(hex: parts[0]), try CastTests.double(hex: parts[1]))
        #expect(CastTests.sameValue(re, wre) && CastTests.sameValue(im, wim), "\(dtype)[\(i)]")
      }
    }
    // toArray(of:) for the dtypes with a Swift element type gives back the same bytes.
    let bytes = t.contiguousBytes()
    func reencoded<T: TensorElement>(_: T.Type) -> [UInt8] {
      t.toArray(of: T.self).withUnsafeBytes { Array($0) }
    }
    switch dtype {
    case .float64: #expect(reencoded(Double.self) == bytes)
    case .float32: #expect(reencoded(Float.self) == bytes)
    case .float16: #expect(reencoded(Float16.self) == bytes)
    case .bfloat16: #expect(reencoded(BFloat16.self) == bytes)
    case .int8: #expect(reencoded(Int8.self) == bytes)
    case .uint8: #expect(reencoded(UInt8.self) == bytes)
    case .int16: #expect(reencoded(Int16.self) == bytes)
    case .int32: #expect(reencoded(Int32.self) == bytes)
    case .int64: #expect(reencoded(Int64.self) == bytes)
    case .bool: #expect(t.toArray(of: Bool.self) == values.compactMap { $0 as? Bool })
    case .complex64, .complex128: #expect(t.scalars().count == values.count)
    default: Issue.record("\(dtype) is not in pairs.json")
    }
  }

  // MARK: Layout, devices, grad

  @Test func nonContiguousInputConvertsInLogicalOrder() throws {
    let m = Tensor([1.5, -2.5, 3.25, 70000, -0.0, 6] as [Float], shape: [2, 3])
    let t = try m.transposed(0, 1).to(.float16)
    #expect(t.isContiguous)
    #expect(t.shape == [3, 2])
    // IEEE float16 encodings of 1.5, +inf (70000 overflows), -2.5, -0.0, 3.25, 6.
    #expect(
      t.toArray(of: Float16.self).map(\.bitPattern) == [
        0x3E00, 0x7C00, 0xC100, 0x8000, 0x4280, 0x4600,
      ])
  }

  @Test func conversionKeepsDeviceAndGradOnlyForFloatingResults() throws {
    var x = Tensor([1, 2] as [Float]).tagged(try Device(parsing: "cuda:1"))
    x.requiresGrad = true
    let h = x.half()
    #expect(h.device == x.device)
    #expect(h.requiresGrad)
    #expect(h.storage !== x.storage)
    #expect(!x.to(.int64).requiresGrad)
    #expect(x.double().dtype == .float64)
    #expect(x.bfloat16().dtype == .bfloat16)
    #expect(h.float().toArray(of: Float.self) == [1, 2])
    #expect(Tensor(zeros: [0, 3], dtype: .float64).to(.bfloat16).shape == [0, 3])
  }
}
