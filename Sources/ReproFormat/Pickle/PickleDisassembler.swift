/// One instruction of a pickle, as `pickletools.dis` lists it.
public struct PickleInstruction: Equatable, Sendable, CustomStringConvertible {
  /// Byte offset of the opcode.
  public var offset: Int
  /// The `pickletools` name (`BINUNICODE`).
  public var name: String
  /// The argument in readable form (`'0.weight'`, `7`), empty if none.
  public var argument: String

  /// `0x001a: BINUNICODE '0.weight'` style.
  public var description: String {
    "0x" + String(offset, radix: 16) + ": " + name + (argument.isEmpty ? "" : " " + argument)
  }
}

/// Lists the instructions of a pickle without executing it (like `pickletools.dis`), for
/// `repro diff` and debugging.
///
/// Every read is bounds-checked.
public enum PickleDisassembler {
  /// The instructions up to and including `STOP`.
  ///
  /// - Throws: `FormatError` for an unknown opcode or a truncated argument, with its offset.
  public static func instructions(of bytes: [UInt8], context: String = "data.pkl")
    throws(FormatError) -> [PickleInstruction]
  {
    var r = PickleReader(bytes: bytes, position: 0, context: context)
    var out: [PickleInstruction] = []
    while r.remaining > 0 {
      let at = r.position
      let raw = try r.byte()
      guard let op = PickleOpcode(rawValue: raw) else {
        throw FormatError(
          .corrupt,
          "\(context): unknown opcode 0x\(String(raw, radix: 16)) at offset 0x\(String(at, radix: 16))"
        )
      }
      r.opcodeOffset = at
      r.opcodeName = op.name
      out.append(PickleInstruction(offset: at, name: op.name, argument: try argument(of: op, &r)))
      if op == .stop { break }
    }
    return out
  }

  static func quoted(_ s: ArraySlice<UInt8>) -> String {
    "'" + String(decoding: s, as: UTF8.self) + "'"
  }

  static func argument(of op: PickleOpcode, _ r: inout PickleReader) throws(FormatError) -> String {
    switch op {
    case .binInt1, .binGet, .binPut, .proto, .ext1: return String(try r.byte())
    case .binInt2, .ext2: return String(try r.uint16())
    case .binInt: return String(Int32(bitPattern: try r.uint32()))
    case .longBinGet, .longBinPut, .ext4: return String(try r.uint32())
    case .frame: return String(try r.uint64())
    case .binFloat: return String(try r.bigEndianDouble())
    case .shortBinString, .shortBinUnicode: return quoted(try r.take(Int(try r.byte())))
    case .shortBinBytes: return "<\(try r.take(Int(try r.byte())).count) bytes>"
    case .binString, .binUnicode:
      return quoted(try r.take(try r.length(UInt64(try r.uint32()), what: op.name)))
    case .binBytes:
      return "<\(try r.take(try r.length(UInt64(try r.uint32()), what: op.name)).count) bytes>"
    case .binUnicode8: return quoted(try r.take(try r.length(try r.uint64(), what: op.name)))
    case .binBytes8, .byteArray8:
      return "<\(try r.take(try r.length(try r.uint64(), what: op.name)).count) bytes>"
    case .long1: return "<\(try r.take(Int(try r.byte())).count)-byte int>"
    case .long4:
      return "<\(try r.take(try r.length(UInt64(try r.uint32()), what: op.name)).count)-byte int>"
    case .int, .long, .float, .string, .unicode, .get, .put, .persID:
      return String(decoding: try r.line(), as: UTF8.self)
    case .global, .inst:
      let module = String(decoding: try r.line(), as: UTF8.self)
      return "'\(module) \(String(decoding: try r.line(), as: UTF8.self))'"
    default: return ""
    }
  }
}
