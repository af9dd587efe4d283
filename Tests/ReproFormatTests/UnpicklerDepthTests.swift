import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// The nesting depth limit (300 by default) is enforced while the pickle machine runs: a
/// pickle nested a million deep is refused at the opcode that passes the limit, before the rest
/// of it is built (the bytes are made here; torch itself loads such pickles, the limit is ours).
@Suite struct UnpicklerDepthTests {
  static let n = 1_000_000
  /// Lists and dicts put one container on the stack per level before nesting them, which costs
  /// a node each before the limit can be met: they are made 100,000 deep to keep the test short.
  static let m = 100_000

  /// PROTO 2, MARK x n, EMPTY_TUPLE, TUPLE x n, STOP: n + 1 nested tuples.
  static var deepTuples: [UInt8] {
    [0x80, 0x02] + [UInt8](repeating: 0x28, count: n) + [0x29]
      + [UInt8](repeating: 0x74, count: n) + [0x2E]
  }

  /// PROTO 2, EMPTY_LIST x m, APPEND x (m - 1), STOP: m nested lists.
  static var deepLists: [UInt8] {
    [0x80, 0x02] + [UInt8](repeating: 0x5D, count: m) + [UInt8](repeating: 0x61, count: m - 1)
      + [0x2E]
  }

  /// PROTO 2, EMPTY_DICT, (BININT1 0, EMPTY_DICT) x (m - 1), SETITEM x (m - 1), STOP:
  /// `{0: {0: ...}}` m deep.
  static var deepDicts: [UInt8] {
    var levels = [UInt8](repeating: 0x00, count: 3 * (m - 1))
    for i in stride(from: 0, to: levels.count, by: 3) {
      levels[i] = 0x4B
      levels[i + 2] = 0x7D
    }
    return [0x80, 0x02, 0x7D] + levels + [UInt8](repeating: 0x73, count: m - 1) + [0x2E]
  }

  /// The nesting passes 300 levels at the 301st container opcode: its offset is in the message.
  @Test(arguments: [
    ("tuples", deepTuples, "TUPLE", n + 3 + 300),
    ("lists", deepLists, "APPEND", m + 2 + 300),
    ("dicts", deepDicts, "SETITEM", 3 * m + 300),
  ])
  func deepNestingIsRefusedWhereItPassesTheLimit(
    name: String, bytes: [UInt8], opcode: String, offset: Int
  ) {
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(bytes, context: "data.pkl", options: .trusted)
    }
    #expect(err?.code == .limitExceeded)
    #expect(
      err?.message
        == "data.pkl: \(opcode) at offset 0x\(String(offset, radix: 16)): containers nested deeper than 300 levels (nesting depth limit)",
      "\(name): \(err?.message ?? "")")
  }

  /// `k` nested tuples: MARK x (k - 1), EMPTY_TUPLE, TUPLE x (k - 1).
  static func nestedTuples(_ k: Int) -> [UInt8] {
    [0x80, 0x02] + [UInt8](repeating: 0x28, count: k - 1) + [0x29]
      + [UInt8](repeating: 0x74, count: k - 1) + [0x2E]
  }

  /// The limit counts levels below the root: `maxDepth + 1` nested containers are accepted,
  /// one more is refused, by the machine and the freezer alike.
  @Test func theLimitIsTheDeepestLevelBelowTheRoot() throws {
    let options = Unpickler.Options(.weightsOnly, maxDepth: 10)
    var value = try Unpickler.unpickle(Self.nestedTuples(11), options: options).value
    var levels = 1
    while case .tuple(let items) = value, let first = items.first {
      value = first
      levels += 1
    }
    #expect(levels == 11)
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(Self.nestedTuples(12), context: "x", options: options)
    }
    #expect(
      err?.message
        == "x: TUPLE at offset 0x18: containers nested deeper than 10 levels (nesting depth limit)")
  }

  /// Nesting made by mutating containers after they were placed (memo references) is not
  /// seen by the machine's running count; the freezer still refuses it, without an offset.
  @Test func nestingBuiltThroughTheMemoIsRefusedByTheFreezer() {
    let k = 1000
    var b: [UInt8] = [0x80, 0x02]
    func index(_ i: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(i).littleEndian) { Array($0) } }
    for i in 0..<k { b += [0x5D, 0x72] + index(i) + [0x30] }  // EMPTY_LIST LONG_BINPUT i POP
    for i in 0..<(k - 1) {
      // LONG_BINGET i, LONG_BINGET i + 1, APPEND, POP: list i gets list i + 1, still empty.
      b += [0x6A] + index(i) + [0x6A] + index(i + 1) + [0x61, 0x30]
    }
    b += [0x6A] + index(0) + [0x2E]
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(b, context: "x", options: .trusted)
    }
    #expect(err?.code == .limitExceeded)
    #expect(err?.message == "x: containers nested deeper than 300 levels (nesting depth limit)")
  }

  /// A bare pickle is what torch.load reads as the legacy format: a deep one is refused for
  /// the depth limit, not as a file without a magic number.
  @Test func legacyFilesReportTheDepthLimit() {
    let err = #expect(throws: FormatError.self) {
      try Checkpoint.load(file: Storage(bytes: Self.deepTuples), fileName: "deep.pt")
    }
    #expect(err?.code == .limitExceeded)
    #expect(
      err?.message
        == "legacy magic number: TUPLE at offset 0x\(String(Self.n + 303, radix: 16)): containers nested deeper than 300 levels (nesting depth limit)"
    )
  }
}
