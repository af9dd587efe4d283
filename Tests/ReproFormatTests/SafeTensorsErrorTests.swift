import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// Malformed files, made from a valid safetensors-written file by deterministic mutations: each
/// gives a `FormatError` with a specific message, never a crash.
@Suite struct SafeTensorsErrorTests {
  /// One mutation of the valid file and the error it must produce.
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var code: FormatError.Code
    var message: String
    var mutate: @Sendable (_ header: String, _ data: [UInt8]) -> [UInt8]
    var testDescription: String { name }
  }

  /// A file with `header` (padded with spaces to 8 unless `pad` is false) and `data`.
  static func file(_ header: String, _ data: [UInt8], pad: Bool = true) -> [UInt8] {
    var h = Array(header.utf8)
    while pad && h.count % 8 != 0 { h.append(0x20) }
    var out: [UInt8] = []
    withUnsafeBytes(of: UInt64(h.count).littleEndian) { out += $0 }
    return out + h + data
  }

  /// `header` with one occurrence of `a` replaced by `b`.
  static func replacing(_ header: String, _ a: String, _ b: String) -> String {
    guard let r = header.range(of: a) else { return header + "<\(a) not found>" }
    return header.replacingCharacters(in: r, with: b)
  }

  static let p = "safetensors: "

  static let cases: [Case] = [
    Case(
      name: "fewer than 8 bytes", code: .truncated,
      message: p + "header too small: the file has 5 bytes, fewer than the 8-byte header length"
    ) { h, d in
      Array(file(h, d).prefix(5))
    },
    Case(
      name: "header length over the limit", code: .limitExceeded,
      message: p + "header too large: 200000000 bytes declared, the limit is 100000000"
    ) { h, d in
      var f = file(h, d)
      withUnsafeBytes(of: UInt64(200_000_000).littleEndian) { for i in 0..<8 { f[i] = $0[i] } }
      return f
    },
    Case(
      name: "header longer than the file", code: .truncated,
      message: p + "invalid header length: 4096 bytes declared but only 384 follow the length field"
    ) { h, d in
      var f = file(h, d)
      withUnsafeBytes(of: UInt64(4096).littleEndian) { for i in 0..<8 { f[i] = $0[i] } }
      return f
    },
    Case(name: "invalid UTF-8", code: .corrupt, message: p + "invalid UTF-8 in header") { h, d in
      var f = file(h, d)
      f[8 + 20] = 0xFF
      return f
    },
    Case(
      name: "NUL padding", code: .corrupt,
      message: p + "invalid JSON in header: trailing characters (byte 0x0) at header byte 280"
    ) { h, d in
      let header = replacing(h, "}}", "}}\0")
      return file(header, d)
    },
    Case(
      name: "truncated JSON", code: .corrupt,
      message: p
        + "invalid JSON in header: unexpected end of header inside an object at header byte 280"
    ) { h, d in
      file(String(h.dropLast()) + " ", d)
    },
    Case(
      name: "header is not an object", code: .corrupt,
      message: p + "invalid JSON in header: the header is an array, not an object"
    ) { _, d in
      file("[]", d)
    },
    Case(
      name: "nesting too deep", code: .corrupt,
      message: p + "invalid JSON in header: nesting deeper than 128 levels at header byte 132"
    ) { _, d in
      file("{\"x\":" + String(repeating: "[", count: 10000) + "}", d)
    },
    Case(
      name: "unknown dtype", code: .corrupt,
      message: p + "unknown dtype `X32` for tensor `0.bias`"
    ) { h, d in
      file(replacing(h, "F32", "X32"), d)
    },
    Case(
      name: "complex128 has no safetensors dtype", code: .corrupt,
      message: p + "unknown dtype `C128` for tensor `0.bias`"
    ) { h, d in
      file(replacing(h, "F32", "C128"), d)
    },
    Case(
      name: "valid dtype ReproTensor lacks", code: .unsupported,
      message: p + "tensor `0.bias` has dtype F4, which ReproTensor does not support"
    ) { h, d in
      file(replacing(h, "\"F32\",\"shape\":[4]", "\"F4\",\"shape\":[32]"), d)
    },
    Case(
      name: "negative shape", code: .corrupt,
      message: p + "`shape` of tensor `0.weight` holds the negative integer -4"
    ) { h, d in
      file(replacing(h, "[4,3]", "[-4,3]"), d)
    },
    Case(
      name: "floating-point shape", code: .corrupt,
      message: p
        + "`shape` of tensor `0.bias` holds a floating-point number 4.0, expected a non-negative integer"
    ) { h, d in
      file(replacing(h, "[4]", "[4.0]"), d)
    },
    Case(
      name: "non-string metadata", code: .corrupt,
      message: p + "__metadata__ value for `format` is an integer, expected a string"
    ) { h, d in
      file(replacing(h, "\"pt\"", "1"), d)
    },
    Case(
      name: "missing field", code: .corrupt,
      message: p + "tensor `2.bias` has no `dtype` field"
    ) { h, d in
      file(replacing(h, "\"2.bias\":{\"dtype\":\"F32\",", "\"2.bias\":{"), d)
    },
    Case(
      name: "three data offsets", code: .corrupt,
      message: p + "`data_offsets` of tensor `2.bias` has 3 entries, expected 2"
    ) { h, d in
      file(replacing(h, "[64,72]", "[64,72,80]"), d)
    },
    Case(name: "duplicate key", code: .corrupt, message: p + "duplicate key `0.bias` in header") {
      h, d in
      file(replacing(h, "\"0.weight\"", "\"0.bias\""), d)
    },
    Case(
      name: "overlapping offsets", code: .corrupt,
      message: p
        + "invalid offset for tensor `0.weight`: data_offsets [8, 56]: it overlaps the previous tensor, which ends at 16"
    ) { h, d in
      file(replacing(h, "[16,64]", "[8,56]"), d)
    },
    Case(
      name: "gap between tensors", code: .corrupt,
      message: p
        + "invalid offset for tensor `2.bias`: data_offsets [68, 76]: there is a gap: the previous tensor ends at 64"
    ) { h, d in
      file(replacing(replacing(h, "[64,72]", "[68,76]"), "[72,104]", "[76,108]"), d + [0, 0, 0, 0])
    },
    Case(
      name: "end before begin", code: .corrupt,
      message: p
        + "invalid offset for tensor `0.bias`: data_offsets [16, 0]: end 0 is before begin 16"
    ) { h, d in
      file(replacing(h, "[0,16]", "[16,0]"), d)
    },
    Case(
      name: "size disagrees with shape and dtype", code: .corrupt,
      message: p
        + "invalid shape, data type, or offset for tensor `0.weight`: shape [4, 2] of F32 needs 32 bytes but data_offsets [16, 64] hold 48"
    ) { h, d in
      file(replacing(h, "[4,3]", "[4,2]"), d)
    },
    Case(
      name: "shape overflows", code: .corrupt,
      message: p
        + "overflow computing buffer size from shape [4611686018427387904, 4] of tensor `0.weight`"
    ) { h, d in
      file(replacing(h, "[4,3]", "[4611686018427387904,4]"), d)
    },
    Case(
      name: "trailing bytes", code: .corrupt,
      message: p
        + "incomplete metadata, file not fully covered: the data section has 105 bytes but the tensors cover 104 (trailing bytes after the last tensor)"
    ) { h, d in
      file(h, d + [0])
    },
    Case(
      name: "missing bytes", code: .corrupt,
      message: p
        + "incomplete metadata, file not fully covered: the data section has 103 bytes but the tensors cover 104 (the file is truncated)"
    ) { h, d in
      file(h, Array(d.dropLast()))
    },
  ]

  /// The header text and data section of the valid base file.
  static func base() throws -> (String, [UInt8]) {
    let bytes = try SafeTensorsCorpus.bytes("with_metadata")
    let n = Int(bytes[0..<8].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    let header = try #require(String(validating: bytes[8..<(8 + n)], as: UTF8.self))
    return (header.trimmingCharacters(in: .whitespaces), Array(bytes[(8 + n)...]))
  }

  @Test func baseFileIsValid() throws {
    let (h, d) = try SafeTensorsErrorTests.base()
    let f = try SafeTensorsFile.load(from: Storage(bytes: SafeTensorsErrorTests.file(h, d)))
    #expect(f.tensors.count == 4)
  }

  @Test("each malformed file gives its specific error", arguments: cases)
  func malformedFileIsRefused(_ c: Case) throws {
    let (h, d) = try SafeTensorsErrorTests.base()
    let bytes = c.mutate(h, d)
    #expect {
      _ = try SafeTensorsFile.load(from: Storage(bytes: bytes))
    } throws: { error in
      guard let e = error as? FormatError else { return false }
      if e.code != c.code || e.message != c.message {
        Issue.record("got \(e.code): \(e.message)")
        return false
      }
      return true
    }
  }

  @Test func unreadableFileIsAnIOError() {
    #expect {
      _ = try SafeTensorsFile.load(contentsOf: URL(fileURLWithPath: "/nonexistent/x.safetensors"))
    } throws: { error in
      (error as? FormatError)?.code == .io
    }
  }
}
