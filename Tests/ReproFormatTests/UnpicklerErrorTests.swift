import Foundation
import ReproTensor
import Testing

@testable import ReproFormat

@Suite struct UnpicklerErrorTests {
  static var policy: [String: Any] { PickleGolden.json("policy/expected.json") }

  /// Crafted payloads get torch's weights-only verdict, and torch's message where torch words
  /// the refusal itself (not a Python TypeError).
  @Test(arguments: PickleGolden.json("policy/expected.json").keys.sorted())
  func weightsOnlyVerdictMatchesTorch(name: String) throws {
    let exp = try #require(Self.policy[name] as? [String: Any])
    let bytes = PickleGolden.bytes("policy/\(name).pkl")
    let refusal = Unpickler.weightsOnlyRefusal(for: bytes)
    #expect((refusal == nil) == (exp["ok"] as? Bool), "\(refusal ?? "accepted")")
    if let message = exp["message"] as? String, !message.contains("not callable") {
      #expect(refusal?.contains(message) == true, "\(refusal ?? "nil") vs \(message)")
    }
    if exp["ok"] as? Bool == false {
      #expect(throws: FormatError.self) { try Unpickler.unpickle(bytes) }
    } else {
      _ = try Unpickler.unpickle(bytes)
    }
  }

  @Test func forbiddenGlobalNamesTheGlobalAndOffset() {
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(PickleGolden.bytes("policy/os_system.pkl"), context: "data.pkl")
    }
    #expect(err?.code == .forbiddenGlobal)
    #expect(
      err?.message
        == "data.pkl: global 'os.system' is not allowed by the weights-only policy (offset 0x2): Trying to load unsupported GLOBAL os.system whose module os is blocked."
    )
  }

  @Test func opaqueOptionBuildsObjectsWithoutExecuting() throws {
    let r = try Unpickler.unpickle(
      PickleGolden.bytes("policy/os_system.pkl"), options: .trusted)
    guard case .object(let o) = r.value else {
      Issue.record("not an object: \(r.value.typeName)")
      return
    }
    #expect(o.qualifiedName == "os.system")
    #expect(o.args[0]?.string == "ls")
    #expect(r.weightsOnlyRefusal?.contains("os.system") == true)
  }

  @Test(arguments: [
    (
      [UInt8]([0x80, 0x02, 0xFF, 0x2E]), FormatError.Code.corrupt,
      "opcode 0xff at offset 0x2: unknown opcode"
    ),
    ([0x80, 0x02, 0x68, 0x05, 0x2E], .corrupt, "BINGET at offset 0x2: memo key 5 not found"),
    ([0x80, 0x02, 0x52, 0x2E], .corrupt, "REDUCE at offset 0x2: stack underflow"),
    ([0x80, 0x02, 0x74, 0x2E], .corrupt, "TUPLE at offset 0x2: no MARK on the stack"),
    (
      [0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F], .truncated,
      "BINUNICODE at offset 0x2: string length 2147483647 exceeds the 0 bytes left"
    ),
    (
      [0x80, 0x02, 0x8E, 0, 0, 0, 0, 0, 0, 0, 0x80], .truncated,
      "BINBYTES8 at offset 0x2: bytes length 9223372036854775808 exceeds the 0 bytes left"
    ),
    (
      [0x80, 0x02, 0x4A, 0x01], .truncated,
      "BININT at offset 0x2: argument length 4 exceeds the 1 bytes left"
    ),
    (
      [0x80, 0x02, 0x4E], .truncated,
      "opcode at offset 0x3: argument needs 1 byte but the pickle ends"
    ),
    (
      [0x80, 0x02, 0x63, 0x6F, 0x73], .truncated,
      "GLOBAL at offset 0x2: text argument has no terminating newline"
    ),
  ])
  func malformedInputNamesOpcodeAndOffset(bytes: [UInt8], code: FormatError.Code, message: String) {
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(bytes, context: "data.pkl", options: .trusted)
    }
    #expect(err?.code == code)
    #expect(err?.message.hasPrefix("data.pkl: \(message)") == true, "\(err?.message ?? "")")
  }

  @Test func deepNestingIsRefusedNotACrash() {
    let depth = 5000
    let bytes: [UInt8] =
      [0x80, 0x02] + [UInt8](repeating: 0x5D, count: depth)
      + [UInt8](repeating: 0x61, count: depth - 1) + [0x2E]
    let err = #expect(throws: FormatError.self) { try Unpickler.unpickle(bytes) }
    #expect(err?.code == .limitExceeded)
  }

  /// Cycles are legal (torch loads `l.append(l)`), but a cycle through 100,000 nested lists is
  /// still bounded by the nesting depth limit.
  @Test func deepReferenceCycleHitsTheDepthLimit() {
    let depth = 100_000
    // EMPTY_LIST BINPUT 0, EMPTY_LIST x (depth - 1), BINGET 0, APPEND x depth.
    let bytes: [UInt8] =
      [0x80, 0x02, 0x5D, 0x71, 0x00] + [UInt8](repeating: 0x5D, count: depth - 1)
      + [0x68, 0x00] + [UInt8](repeating: 0x61, count: depth) + [0x2E]
    let err = #expect(throws: FormatError.self) { try Unpickler.unpickle(bytes) }
    #expect(err?.code == .limitExceeded)
    #expect(err?.message.contains("depth") == true)
  }

  /// A list appended to itself and then dropped (`POP`) is reachable from nothing: the machine
  /// still frees it, on success and when a later opcode fails (libFuzzer's leak checker found
  /// the failing form; Fuzz/Corpus/FuzzPickle keeps its input).
  @Test(
    arguments: [
      // PROTO 2, EMPTY_LIST, BINPUT 0, BINGET 0, APPEND (l.append(l)), POP, NONE, BINPUT 0 (the
      // memo forgets the list), STOP: None.
      [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x30, 0x4E, 0x71, 0x00, 0x2E],
      // The same, then a BININT cut short: truncated.
      [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x30, 0x4E, 0x71, 0x00, 0x4A, 0x01],
    ] as [[UInt8]])
  func droppedCyclesAreFreed(_ bytes: [UInt8]) throws {
    // Trusted: torch's weights-only unpickler has no POP.
    var vm = PickleMachine(bytes: bytes, offset: 0, context: "data.pkl", options: .trusted)
    let outcome = Result { () throws(FormatError) in try vm.run() }
    weak let list = vm.nodes.made.first
    #expect(vm.nodes.made.count == 1 && list?.items.count == 1)
    vm.releaseNodes()
    #expect(list == nil, "the self-referencing list outlived the machine's release")
    switch outcome {
    case .success(let root): #expect(root.pythonTypeName == "<class 'NoneType'>")
    case .failure(let error): #expect(error.code == .truncated, "\(error.message)")
    }
  }

  @Test func memoLimitIsEnforced() {
    let bytes: [UInt8] = [0x80, 0x02, 0x4E, 0x71, 0, 0x71, 1, 0x71, 2, 0x2E]
    let err = #expect(throws: FormatError.self) {
      try Unpickler.unpickle(bytes, options: Unpickler.Options(maxMemoEntries: 2))
    }
    #expect(err?.code == .limitExceeded)
  }

  /// Every truncation of a real data.pkl fails with a FormatError.
  @Test func everyTruncationThrows() throws {
    let file = PickleGolden.bytes("files/sgd_checkpoint.pt")
    let pkl = try #require(
      PickleGolden.records(file).first { $0.name.hasSuffix("/data.pkl") }?.data)
    for n in 0..<pkl.count {
      #expect(throws: FormatError.self) { try Unpickler.unpickle(Array(pkl[0..<n])) }
    }
  }

  /// Random byte corruptions of real files end in a value or a FormatError, never a crash.
  @Test(arguments: ["views", "sgd_checkpoint", "mlp_fp32_legacy", "whole_module"])
  func randomCorruptionNeverCrashes(name: String) {
    let original = PickleGolden.bytes("files/\(name).pt")
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(truncatingIfNeeded: state >> 33)
    }
    var failures = 0
    for _ in 0..<300 {
      var b = original
      for _ in 0..<(1 + next() % 4) { b[next() % b.count] = UInt8(truncatingIfNeeded: next()) }
      do {
        _ = try TorchFile.load(bytes: b, policy: .trusted)
      } catch {
        failures += 1
      }
    }
    #expect(failures > 0)
  }

  @Test func storageRecordSizeMismatchIsRefused() throws {
    // views.pt with its first tensor's numel (BININT1 12 after 'cpu' BINPUT) changed to 13.
    // The archive is rebuilt around the edited pickle so that its CRC is valid and the size
    // check, not the CRC check, is what refuses it.
    let original = try ZipArchive(bytes: Storage(bytes: PickleGolden.bytes("files/views.pt")))
    let folder = try #require(original.rootFolder)
    var writer = TorchZipWriter(archiveName: folder)
    for entry in original.entries where !entry.name.hasSuffix(".data/serialization_id") {
      var data = try original.data(for: entry)
      if entry.name.hasSuffix("/data.pkl") {
        let needle: [UInt8] = Array("cpu".utf8) + [0x71, 0x06, 0x4B, 0x0C]
        let at = try #require(
          (0..<(data.count - needle.count)).first {
            Array(data[$0..<($0 + needle.count)]) == needle
          })
        data[at + needle.count - 1] = 13
      }
      writer.addRecord(name: String(entry.name.dropFirst(folder.count + 1)), bytes: data)
    }
    let file = writer.finish()
    let err = #expect(throws: FormatError.self) { try TorchFile.load(bytes: file) }
    #expect(err?.message.contains("does not match expected size") == true, "\(err?.message ?? "")")
  }
}
