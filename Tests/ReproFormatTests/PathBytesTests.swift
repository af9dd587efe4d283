import Testing

@testable import ReproFormat

/// `PathBytes` carries any byte string through a `String` and back unchanged.
@Suite struct PathBytesTests {
  @Test func validUTF8NamesAreCarriedUnchanged() {
    for name in ["model.pt", "modèle/poids.pt", "重み.safetensors", "", "a\u{F700}b"] {
      #expect(PathBytes.string(Array(name.utf8)) == name)
      #expect(PathBytes.bytes(name) == Array(name.utf8))
    }
  }

  @Test func bytesThatAreNotUTF8RoundTrip() {
    let cases: [[UInt8]] = [
      Array("bad".utf8) + [0xFF] + Array(".pt".utf8),
      [0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
      [0xC0, 0xAF], Array("out".utf8) + [0xEF, 0xBF, 0xBD] + [0xFE],
    ]
    for raw in cases {
      let s = PathBytes.string(raw)
      #expect(PathBytes.bytes(s) == raw, "\(raw)")
      #expect(!s.contains("\u{FFFD}") || raw.contains(0xEF), "\(raw)")
    }
    #expect(PathBytes.string([0x62, 0xFF]) == "b\u{F7FF}")
  }

  /// A valid name holding a scalar of the escape range is escaped too, so it cannot be
  /// confused with the name of the raw bytes that scalar would stand for.
  @Test func theEscapeRangeItselfIsEscaped() {
    let name = "x\u{F7FF}.pt"
    let carried = PathBytes.string(Array(name.utf8))
    #expect(carried != name)
    #expect(PathBytes.bytes(carried) == Array(name.utf8))
    #expect(PathBytes.bytes(carried) != PathBytes.bytes(PathBytes.string([0x78, 0xFF])))
  }

  /// Every byte string of length up to 2, and random longer ones, round-trip.
  @Test func everyShortByteStringRoundTrips() {
    for a in 0...255 {
      for b in [0, 0x41, 0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF] {
        let raw: [UInt8] = [UInt8(a), UInt8(b)]
        #expect(PathBytes.bytes(PathBytes.string(raw)) == raw)
      }
    }
    var state: UInt64 = 0x2545_F491_4F6C_DD1D
    for _ in 0..<2000 {
      var raw: [UInt8] = []
      for _ in 0..<12 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        raw.append(UInt8(truncatingIfNeeded: state >> 56))
      }
      #expect(PathBytes.bytes(PathBytes.string(raw)) == raw, "\(raw)")
    }
  }
}
