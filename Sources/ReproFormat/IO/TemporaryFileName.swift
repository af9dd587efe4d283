/// The parts of an ``AtomicFile`` temporary file name, `.<name>.tmp-<pid>-<host>-<random>`,
/// read from the raw bytes of a folder entry (the target's name may be any bytes).
struct TemporaryFileName: Equatable {
  /// The writer's process id.
  var pid: Int32
  /// 8 lowercase hex digits: the FNV-1a hash of the writer's host name.
  var hostTag: String

  /// This host's tag: 8 lowercase hex digits of the 32-bit FNV-1a hash of `gethostname`.
  static let hostTag: String = {
    var hash: UInt32 = 0x811c_9dc5
    for byte in Syscalls.hostName().utf8 {
      hash = (hash ^ UInt32(byte)) &* 0x0100_0193
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
  }()

  /// Parses `name`; nil unless it has exactly the shape above (a leading dot, a non-empty
  /// target name, `.tmp-`, decimal pid, 8 hex digits, 1 to 13 base-36 digits).
  init?(_ name: [UInt8]) {
    let marker = Array(".tmp-".utf8)
    guard name.first == UInt8(ascii: "."), name.count > marker.count + 1 else { return nil }
    // The last ".tmp-": the target's own name may contain one.
    var start: Int?
    var i = name.count - marker.count
    while i >= 2 {
      if name[i..<(i + marker.count)].elementsEqual(marker) {
        start = i
        break
      }
      i -= 1
    }
    guard let start else { return nil }
    let fields = name[(start + marker.count)...].split(
      separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
    guard fields.count == 3 else { return nil }
    let (pidText, tag, random) = (fields[0], fields[1], fields[2])
    guard (1...10).contains(pidText.count), pidText.allSatisfy(Self.isDigit),
      let pid = Int32(String(decoding: pidText, as: UTF8.self)), pid > 0,
      tag.count == 8, tag.allSatisfy(Self.isHexDigit),
      (1...13).contains(random.count), random.allSatisfy(Self.isBase36Digit)
    else { return nil }
    self.pid = pid
    self.hostTag = String(decoding: tag, as: UTF8.self)
  }

  private static func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
  private static func isHexDigit(_ b: UInt8) -> Bool { isDigit(b) || (0x61...0x66).contains(b) }
  private static func isBase36Digit(_ b: UInt8) -> Bool { isDigit(b) || (0x61...0x7A).contains(b) }
}
