import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

/// The nesting depth limit (300 by default) is enforced before the pickle machine builds
/// anything: a scan of the opcodes (`PickleScan`) refuses a pickle nested a million deep at the
/// opcode that passes the limit, keeping two bytes per stack item (the bytes are made here;
/// torch itself loads such pickles, the limit is ours).
@Suite struct UnpicklerDepthTests {
  static let n = 1_000_000
  /// Lists and dicts put one container per level on the stack before nesting them.
  static let m = n

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

  static let tooDeep = "containers nested deeper than 300 levels (nesting depth limit)"

  /// The million-deep pickle of each kind, by name (test arguments stay short in the log).
  static func deepPickle(_ kind: String) -> [UInt8] {
    switch kind {
    case "tuples": deepTuples
    case "lists": deepLists
    default: deepDicts
    }
  }

  /// The nesting passes 300 levels at the 301st container opcode, or for tuples at the 302nd
  /// open MARK (each open MARK is a container being built): its offset is in the message.
  @Test(arguments: [
    ("tuples", "MARK", 2 + 301, "more than 301 MARKs open: " + tooDeep),
    ("lists", "APPEND", m + 2 + 300, tooDeep),
    ("dicts", "SETITEM", 3 * m + 300, tooDeep),
  ])
  func deepNestingIsRefusedWhereItPassesTheLimit(
    name: String, opcode: String, offset: Int, why: String
  ) {
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(Self.deepPickle(name), context: "data.pkl", options: .trusted)
    }
    #expect(err?.code == .limitExceeded)
    #expect(
      err?.message == "data.pkl: \(opcode) at offset 0x\(String(offset, radix: 16)): \(why)",
      "\(name): \(err?.message ?? "")")
  }

  /// The stack may hold `maxStackItems` items, MARK frames included; one more is refused at
  /// the opcode that pushes it.
  @Test func theStackSizeIsLimited() throws {
    let options = Unpickler.Options(.trusted, maxStackItems: 4)
    // PROTO 2, MARK, NONE x 4, TUPLE, STOP: four items at most.
    let four: [UInt8] = [0x80, 0x02, 0x28, 0x4E, 0x4E, 0x4E, 0x4E, 0x74, 0x2E]
    #expect(try Unpickler.unpickle(four, options: options).value.elements?.count == 4)
    var five = four
    five.insert(0x4E, at: 3)
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(five, context: "x", options: options)
    }
    #expect(err?.code == .limitExceeded)
    #expect(
      err?.message == "x: NONE at offset 0x7: the stack holds more than 4 items (stack size limit)")
  }

  /// A fault met with a large stack is reported by the scan itself, before the machine would
  /// build a node for every item; with a small stack the machine reports it, with its wording.
  @Test func aFaultAfterAWideStackIsReportedByTheScan() {
    let wide = PickleScan.largeStack + 1
    let bad: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: wide) + [0xFF]
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(bad, context: "x", options: .trusted)
    }
    #expect(err?.code == .corrupt)
    #expect(
      err?.message
        == "x: the opcode at offset 0x\(String(2 + wide, radix: 16)) is not valid here (\(wide) items on the stack)"
    )
    let cut = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(Array(bad.dropLast()), context: "x", options: .trusted)
    }
    #expect(cut?.code == .truncated)
    let narrow: [UInt8] = [0x80, 0x02, 0x5D, 0xFF]
    let machine = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(narrow, context: "x", options: .trusted)
    }
    #expect(
      machine?.message == "x: opcode 0xff at offset 0x3: unknown opcode (Unsupported operand 255)")
  }

  /// Each kind of million-deep pickle is refused in a legacy file (a bare pickle) for the
  /// depth limit, not as a file without a magic number.
  @Test(arguments: ["tuples", "lists", "dicts"])
  func legacyFilesOfEachKindReportTheDepthLimit(_ kind: String) {
    let err = #expect(throws: FormatError.self) {
      try Checkpoint.load(file: Storage(bytes: Self.deepPickle(kind)), fileName: "deep.pt")
    }
    #expect(err?.code == .limitExceeded)
    #expect(err?.message.hasPrefix("legacy magic number: ") == true)
    #expect(err?.message.hasSuffix(Self.tooDeep) == true)
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
        == "legacy magic number: MARK at offset 0x12f: more than 301 MARKs open: \(Self.tooDeep)"
    )
  }
}
