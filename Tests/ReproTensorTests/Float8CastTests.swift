import Foundation
import Testing

@testable import ReproTensor

/// Casts of the float8 formats, uint16/32/64 and complex32 against real PyTorch 2.13.
///
/// The vectors come from Scripts/make_float8_vectors.py (Golden/pytorch/casts/float8.json and
/// new_dtype_pairs.json). Every expected byte comes from torch.
@Suite struct Float8CastTests {
  static let float8: [DType] = [
    .float8E4M3FN, .float8E5M2, .float8E4M3FNUZ, .float8E5M2FNUZ, .float8E8M0FNU,
  ]

  static func document(_ name: String) throws -> [String: Any] {
    let doc = try CastTests.golden(name)
    #expect(doc["default_capability_same"] as? Bool == true)
    return doc
  }

  static func entry(_ dtype: DType) throws -> [String: Any] {
    try GoldenFiles.field(try document("float8"), dtype.rawValue, as: [String: Any].self)
  }

  /// The 256 patterns of a float8 dtype, pattern i at index i.
  static func allPatterns(_ dtype: DType) throws -> Tensor {
    try CastTests.tensor((0...255).map { UInt8($0) }, dtype)
  }

  static func u32(_ bytes: [UInt8], _ i: Int) -> UInt32 {
    bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }
  }

  static func hex32(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }

  @Test("all 256 patterns → float32, bit for bit (NaN bits included)", arguments: float8)
  func everyPatternToFloat32(dtype: DType) throws {
    let expected = try GoldenFiles.hexField(try Float8CastTests.entry(dtype), "to_float32")
    try #require(expected.count == 1024)
    let tensorBytes = try Float8CastTests.allPatterns(dtype).to(.float32).contiguousBytes()
    for b in 0...255 {
      let want = Float8CastTests.u32(expected, b)
      let scalar = Float8Codec.float(fromBits: UInt8(b), of: dtype).bitPattern
      let viaTensor = Float8CastTests.u32(tensorBytes, b)
      #expect(
        scalar == want && viaTensor == want,
        "\(dtype) 0x\(String(b, radix: 16)) → \(Float8CastTests.hex32(viaTensor)), PyTorch \(Float8CastTests.hex32(want))"
      )
    }
    // The float32 value round-trips to the same pattern, except NaN and -0 in the fnuz formats.
    let back = try Float8CastTests.allPatterns(dtype).to(.float32).to(dtype).contiguousBytes()
    let nan = Set((0...255).filter { Float8Codec.float(fromBits: UInt8($0), of: dtype).isNaN })
    for b in 0...255 where !nan.contains(b) {
      #expect(Int(back[b]) == b, "\(dtype) 0x\(String(b, radix: 16)) does not round-trip")
    }
  }

  @Test("all 256 patterns → float64", arguments: float8)
  func everyPatternToFloat64(dtype: DType) throws {
    let x = try Float8CastTests.allPatterns(dtype)
    #expect(
      x.to(.float64).sha256Hex() == (try Float8CastTests.entry(dtype))["to_float64"] as? String)
  }

  @Test(
    "float32 → float8 on every value, midpoint, ±1 ulp, overflow and special", arguments: float8)
  func boundaryInputsFromFloat32(dtype: DType) throws {
    let b = try GoldenFiles.field(
      try Float8CastTests.entry(dtype), "boundary", as: [String: Any].self)
    let input = try GoldenFiles.hexField(b, "input")
    let expected = try GoldenFiles.hexField(b, "output")
    let n = try GoldenFiles.field(b, "count", as: Int.self)
    try #require(input.count == 4 * n && expected.count == n)
    let got = try CastTests.tensor(input, .float32).to(dtype).contiguousBytes()
    var failures = 0
    for i in 0..<n where got[i] != expected[i] {
      failures += 1
      if failures <= 20 {
        let x = Float8CastTests.u32(input, i)
        Issue.record(
          "float32 \(Float8CastTests.hex32(x)) (\(Float(bitPattern: x))) → \(dtype) 0x\(String(got[i], radix: 16)), PyTorch 0x\(String(expected[i], radix: 16))"
        )
      }
    }
  }

  /// The dense float32 set of make_float8_vectors.py: s<<31 | e<<23 | t<<16 | low.
  static func denseInputs(lows: [UInt32]) -> Tensor {
    var bits: [Float] = []
    bits.reserveCapacity(2 * 256 * 128 * lows.count)
    for s: UInt32 in 0...1 {
      for e: UInt32 in 0...255 {
        for t: UInt32 in 0...127 {
          for low in lows { bits.append(Float(bitPattern: s << 31 | e << 23 | t << 16 | low)) }
        }
      }
    }
    return Tensor(bits)
  }

  @Test("float32 → float8 on 393,216 dense patterns (every exponent, NaN payloads)")
  func denseInputsFromFloat32() throws {
    let doc = try Float8CastTests.document("float8")
    let lows = try GoldenFiles.field(doc, "dense_lows", as: [Int].self).map { UInt32($0) }
    let x = Float8CastTests.denseInputs(lows: lows)
    for dtype in Float8CastTests.float8 {
      let dense = try GoldenFiles.field(
        try Float8CastTests.entry(dtype), "dense", as: [String: Any].self)
      #expect(x.count == dense["count"] as? Int)
      #expect(x.to(dtype).sha256Hex() == dense["output_sha256"] as? String, "\(dtype)")
    }
  }

  @Test("float64 → float8 rounds through float32 (double rounding)", arguments: float8)
  func float64RoundsTwice(dtype: DType) throws {
    let f = try GoldenFiles.field(
      try Float8CastTests.entry(dtype), "from_float64", as: [String: Any].self)
    let input = try CastTests.tensor(try GoldenFiles.hexField(f, "input"), .float64)
    let expected = try GoldenFiles.hexField(f, "output")
    let got = input.to(dtype).contiguousBytes()
    try #require(got.count == expected.count)
    for i in 0..<got.count where got[i] != expected[i] {
      Issue.record(
        "float64 \(input.scalar(atStorageIndex: i)) → \(dtype) 0x\(String(got[i], radix: 16)), PyTorch 0x\(String(expected[i], radix: 16))"
      )
    }
  }

  // MARK: Every pair with a new dtype

  struct Pair: Sendable, CustomTestStringConvertible {
    var source: DType
    var destination: DType
    var testDescription: String { "\(source.rawValue)→\(destination.rawValue)" }
  }

  static let pairs: [Pair] = DType.allCases.flatMap { s in
    DType.allCases.compactMap { d in
      s != d && (s.usesUntypedStorage || d.usesUntypedStorage)
        ? Pair(source: s, destination: d) : nil
    }
  }

  static func sourceBytes(_ dtype: DType) throws -> [UInt8] {
    guard dtype.usesUntypedStorage else { return try CastTests.sourceBytes(dtype) }
    let sources = try GoldenFiles.field(
      try document("new_dtype_pairs"), "sources", as: [String: [String: Any]].self)
    return try GoldenFiles.hexField(
      try GoldenFiles.field(sources, dtype.rawValue, as: [String: Any].self), "bytes")
  }

  @Test("every pair involving a new dtype matches PyTorch", arguments: pairs)
  func pairMatchesPyTorch(pair: Pair) throws {
    let (source, destination) = (pair.source, pair.destination)
    let all = try GoldenFiles.field(
      try Float8CastTests.document("new_dtype_pairs"), "pairs", as: [[String: String]].self)
    #expect(all.count == Float8CastTests.pairs.count)
    let entry = try #require(
      all.first { $0["src"] == source.rawValue && $0["dst"] == destination.rawValue })
    let input = try CastTests.tensor(try Float8CastTests.sourceBytes(source), source)
    let out = input.to(destination)
    #expect(out.dtype == destination)
    let actual = out.contiguousBytes()
    if let sha = entry["sha256"] {
      #expect(SHA256Digest.hex(of: actual) == sha)
      return
    }
    let expected = try GoldenFiles.hexField(entry, "bytes")
    let size = destination.elementSize
    try #require(actual.count == expected.count)
    var failures = 0
    for i in 0..<(expected.count / size)
    where actual[(i * size)..<((i + 1) * size)] != expected[(i * size)..<((i + 1) * size)] {
      failures += 1
      if failures <= 10 {
        Issue.record(
          "\(source)→\(destination) element \(i) (\(input.scalar(atStorageIndex: i))): got \(GoldenFiles.hex(actual[(i * size)..<((i + 1) * size)])), PyTorch \(GoldenFiles.hex(expected[(i * size)..<((i + 1) * size)]))"
        )
      }
    }
  }
}

extension Float8CastTests {
  @Test func floatToUInt32DependsOnVectorBodyAndTailAsInPyTorch() throws {
    let positions = try GoldenFiles.field(
      try Float8CastTests.document("new_dtype_pairs"), "uint32_positions", as: [[String: Any]].self)
    #expect(positions.count == 126)
    for p in positions {
      let src = try #require(DType(rawValue: try GoldenFiles.field(p, "src", as: String.self)))
      let input = try CastTests.tensor(try GoldenFiles.hexField(p, "input"), src)
      let expected = try GoldenFiles.hexField(p, "output")
      let got = input.to(.uint32).contiguousBytes()
      #expect(got == expected, "\(src)→uint32, \(input.count) elements")
    }
  }
}

extension Float8CastTests {
  @Test(
    "kernels refuse the storage-only dtypes with a typed error, never a trap",
    arguments: DType.allCases.filter { $0.usesUntypedStorage })
  func kernelsRefuseStorageOnlyDTypes(dtype: DType) throws {
    let x = Tensor(zeros: [2, 2], dtype: dtype)
    for (name, op) in [
      ("add", { () throws(TensorError) in _ = try x.add(x) }),
      ("mul", { () throws(TensorError) in _ = try x.mul(2.0) }),
      ("matmul", { () throws(TensorError) in _ = try x.matmul(x) }),
    ] as [(String, () throws(TensorError) -> Void)] {
      #expect(throws: TensorError.self, "\(name) on \(dtype)") { try op() }
    }
    // Casting is what they support.
    #expect(x.to(.float32).dtype == .float32 && x.to(.float32).shape == [2, 2])
  }
}
