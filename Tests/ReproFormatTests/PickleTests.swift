import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// A canonical text form shared by the oracle's typed JSON and PickleValue trees (sets are
/// compared as sorted multisets).
func canonical(_ v: Any) -> String {
  if let d = v as? [String: Any], let t = d["t"] as? String {
    switch t {
    case "none": return "N"
    case "bool": return (d["v"] as? Bool ?? false) ? "T" : "F"
    case "int": return "i\(d["v"] as? String ?? "?")"
    case "float": return "f\(d["bits"] as? String ?? "?")"
    case "str": return "s\((d["v"] as? String ?? "").debugDescription)"
    case "bytes": return "b\(d["hex"] as? String ?? "")"
    case "tuple", "list":
      return "\(t)(\((d["v"] as? [Any] ?? []).map(canonical).joined(separator: ",")))"
    case "set", "frozenset":
      return "\(t)(\((d["v"] as? [Any] ?? []).map(canonical).sorted().joined(separator: ",")))"
    case "dict", "odict":
      let pairs = (d["v"] as? [[Any]] ?? []).map { "\(canonical($0[0])):\(canonical($0[1]))" }
      return "\(t)(\(pairs.joined(separator: ",")))"
    default: return "?\(t)"
    }
  }
  return "?"
}

func canonical(_ v: PickleValue) -> String {
  switch v {
  case .none: return "N"
  case .bool(let b): return b ? "T" : "F"
  case .int(let i): return "i\(i)"
  case .bigInt(let b): return "i\(b)"
  case .float(let d): return "f" + String(format: "%016llx", d.bitPattern)
  case .string(let s): return "s\(s.debugDescription)"
  case .bytes(let b): return "b" + b.map { String(format: "%02x", $0) }.joined()
  case .tuple(let x): return "tuple(\(x.map(canonical).joined(separator: ",")))"
  case .list(let x): return "list(\(x.map(canonical).joined(separator: ",")))"
  case .set(let x): return "set(\(x.map(canonical).sorted().joined(separator: ",")))"
  case .frozenSet(let x): return "frozenset(\(x.map(canonical).sorted().joined(separator: ",")))"
  case .dict(let p):
    return "dict(\(p.map { "\(canonical($0.key)):\(canonical($0.value))" }.joined(separator: ",")))"
  case .orderedDict(let p, _):
    return
      "odict(\(p.map { "\(canonical($0.key)):\(canonical($0.value))" }.joined(separator: ",")))"
  case .shared(let s): return canonical(s.value)
  default: return "?\(v.typeName)"
  }
}

@Suite struct PickleTests {
  static var zoo: [String: Any] { PickleGolden.json("vm/expected.json") }

  /// CPython's pickler at protocols 0 to 5 (text opcodes, FRAME, MEMOIZE, STACK_GLOBAL,
  /// SHORT_BINUNICODE, BINBYTES, EMPTY_SET/ADDITEMS, FROZENSET, LONG4, …) decodes to the value
  /// Python itself reads back.
  @Test(arguments: 0...5)
  func vmDecodesEveryProtocol(proto: Int) throws {
    let name = "zoo_p\(proto)"
    let bytes = PickleGolden.bytes("vm/\(name).pkl")
    try #require(!bytes.isEmpty)
    let result = try Unpickler.unpickle(bytes, context: name, options: .trusted)
    #expect(result.endOffset == bytes.count)
    guard let expected = Self.zoo[name] else {
      Issue.record("no expected value for \(name)")
      return
    }
    #expect(canonical(result.value) == canonical(expected))
    // Protocol 2 with only weights-only opcodes? The zoo needs LONG4 and bytes globals: refused.
    #expect(result.weightsOnlyRefusal != nil)
  }

  @Test func memoSharedNodesKeepIdentity() throws {
    let bytes = PickleGolden.bytes("vm/zoo_p2.pkl")
    let v = try Unpickler.unpickle(bytes, options: .trusted).value
    let shared = try #require(v["shared"]?.elements)
    guard case .shared(let a) = shared[0], case .shared(let b) = shared[1] else {
      Issue.record("the list referenced twice is not shared")
      return
    }
    #expect(a === b)
  }

  static let intCases: [(Int64, [UInt8])] = [
    (0, [0x4B, 0]), (255, [0x4B, 0xFF]), (256, [0x4D, 0x00, 0x01]),
    (65536, [0x4A, 0x00, 0x00, 0x01, 0x00]), (-1, [0x4A, 0xFF, 0xFF, 0xFF, 0xFF]),
    (1 << 31, [0x8A, 0x05, 0x00, 0x00, 0x00, 0x80, 0x00]),
    (-(1 << 31) - 1, [0x8A, 0x05, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF]),
    (Int64.min, [0x8A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80]),
  ]

  @Test(arguments: intCases)
  func intEncodingFollowsCPython(value: Int64, encoded: [UInt8]) throws {
    // Expected bytes from spec b.2 (CPython's encode_long), checked against pickle.dumps.
    let out = try Pickler.pickle(.int(value)).bytes
    #expect(out == [0x80, 0x02] + encoded + [0x2E])
    #expect(try Unpickler.unpickle(out).value.int64 == value)
  }

  @Test func bigIntRoundTripsThroughLong1AndLong4() throws {
    let bytes = PickleGolden.bytes("vm/zoo_p2.pkl")
    let v = try Unpickler.unpickle(bytes, options: .trusted).value
    let ints = try #require(v["ints"]?.elements)
    for i in ints {
      let again = try Unpickler.unpickle(try Pickler.pickle(i).bytes, options: .trusted).value
      #expect(canonical(again) == canonical(i))
    }
    #expect(ints.map(canonical).contains("i-" + "1" + String(repeating: "0", count: 0)))
  }

  @Test func allowlistEqualsTorch() throws {
    let names = try TestJSON.decode([String].self, from: PickleGolden.url("allowed_globals.json"))
    #expect(Set(names) == WeightsOnlyPolicy.allowedGlobals)
    #expect(names.count == 144)
  }

  @Test func stateDictAccessorsReadTensors() throws {
    let loaded = try TorchFile.load(contentsOf: PickleGolden.url("files/sgd_checkpoint.pt"))
    let sd = try #require(loaded.root["model_state_dict"]?.stateDict)
    #expect(sd.map(\.key) == ["weight", "bias"])
    #expect(loaded.root["epoch"]?.int64 == 3)
    #expect(loaded.root["loss"]?.double == 0.25)
    let momentum = loaded.root["optimizer_state_dict"]?["state"]?[intKey: 0]?["momentum_buffer"]?
      .tensor
    #expect(momentum?.shape == [1, 2])
  }
}
