import Foundation
import ReproTensor
import ReproTestSupport
import Testing

/// `PythonRepr` against CPython's own `repr()` output
/// (Scripts/make_python_repr_vectors.py → Golden/python/repr.json).
@Suite struct PythonReprTests {
  struct Vectors: Decodable, Sendable {
    struct Text: Decodable, Sendable { var codepoints: [UInt32], repr: String }
    struct Bytes: Decodable, Sendable { var bytes: [UInt8], repr: String }
    struct Float: Decodable, Sendable { var bits: String, repr: String }
    struct Int: Decodable, Sendable {
      var twosComplementLE: [UInt8]
      var repr: String
      enum CodingKeys: String, CodingKey {
        case repr
        case twosComplementLE = "twos_complement_le"
      }
    }
    struct Complex: Decodable, Sendable { var real: String, imag: String, repr: String }
    var python: String
    var strings: [Text]
    var bytes: [Bytes]
    var floats: [Float]
    var ints: [Int]
    var complexes: [Complex]
  }

  static let vectors: Vectors? = {
    try? TestJSON.decode(Vectors.self, golden: "python/repr.json")
  }()

  func loaded() throws -> Vectors { try #require(Self.vectors, "Golden/python/repr.json") }

  static func double(bits hex: String) throws -> Double {
    Double(bitPattern: try #require(UInt64(hex, radix: 16), "bits \(hex)"))
  }

  @Test func everyGroupIsPresent() throws {
    let v = try loaded()
    #expect(v.strings.count >= 290 && v.bytes.count >= 263 && v.floats.count >= 600)
    #expect(v.ints.count >= 60 && v.complexes.count >= 13)
  }

  @Test func stringsMatchCPython() throws {
    var mismatches: [String] = []
    for t in try loaded().strings {
      var s = ""
      for c in t.codepoints { s.unicodeScalars.append(try #require(Unicode.Scalar(c))) }
      let got = PythonRepr.string(s)
      if got != t.repr { mismatches.append("\(t.codepoints): \(got) != \(t.repr)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) strings differ: \(mismatches.prefix(10))")
  }

  @Test func bytesMatchCPython() throws {
    let bad = try loaded().bytes.filter { PythonRepr.bytes($0.bytes) != $0.repr }
    #expect(
      bad.isEmpty,
      "\(bad.prefix(10).map { "\($0.bytes): \(PythonRepr.bytes($0.bytes)) != \($0.repr)" })")
  }

  @Test func floatsMatchCPython() throws {
    var mismatches: [String] = []
    for f in try loaded().floats {
      let got = PythonRepr.float(try Self.double(bits: f.bits))
      if got != f.repr { mismatches.append("\(f.bits): \(got) != \(f.repr)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) floats differ: \(mismatches.prefix(10))")
  }

  @Test func bigIntsMatchCPython() throws {
    let bad = try loaded().ints.filter {
      PythonRepr.int(twosComplementLittleEndian: $0.twosComplementLE) != $0.repr
    }
    #expect(bad.isEmpty, "\(bad.prefix(10).map(\.repr))")
  }

  @Test func complexesMatchCPython() throws {
    for c in try loaded().complexes {
      let got = PythonRepr.complex(
        real: try Self.double(bits: c.real), imaginary: try Self.double(bits: c.imag))
      #expect(got == c.repr, "\(c.real), \(c.imag)")
      let scalar = Scalar.complex(
        real: try Self.double(bits: c.real), imaginary: try Self.double(bits: c.imag))
      #expect(scalar.description == c.repr)
    }
  }
}
