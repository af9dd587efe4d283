public import Foundation

/// A checkpoint file name of the form `<prefix>_v<version>_<UTC timestamp>.<extension>`,
/// for example `model_v3_2026-11-22T10-15-00.pth`.
///
/// The timestamp is UTC, whole seconds, with `-` instead of `:` so the name is valid on every
/// file system. Names order by version, then timestamp (see ``CheckpointNaming`` for
/// keep-last-N rotation).
///
/// ```swift
/// let name = CheckpointName(prefix: "model", version: 3, timestamp: Date())
/// name.fileName                                   // "model_v3_2026-11-22T10-15-00.pth"
/// CheckpointName(fileName: "model_v3_2026-11-22T10-15-00.pth")?.version  // 3
/// ```
public struct CheckpointName: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The part before `_v`; it may contain `_` but not `/`.
  public var prefix: String
  /// The version number (non-negative).
  public var version: Int
  /// Seconds since 1970-01-01T00:00:00Z (the timestamp, in whole seconds).
  public var secondsSince1970: Int64
  /// The extension without its dot (`pth`, `pt`, `pth.tar`).
  public var fileExtension: String

  /// Creates a name; `timestamp` is truncated to whole seconds.
  ///
  /// - Precondition: `version >= 0`, `prefix` is non-empty without `/` and `fileExtension`
  ///   is non-empty ASCII letters and digits, optionally dot-separated (programmer errors).
  public init(prefix: String, version: Int, timestamp: Date, fileExtension: String = "pth") {
    self.init(
      prefix: prefix, version: version,
      secondsSince1970: Int64(timestamp.timeIntervalSince1970.rounded(.down)),
      fileExtension: fileExtension)
  }

  /// Creates a name from seconds since 1970 (UTC).
  ///
  /// - Precondition: as ``init(prefix:version:timestamp:fileExtension:)``, and the year is
  ///   between 1 and 9999.
  public init(prefix: String, version: Int, secondsSince1970: Int64, fileExtension: String = "pth")
  {
    precondition(version >= 0, "checkpoint version must be non-negative")
    precondition(!prefix.isEmpty && !prefix.contains("/"), "invalid checkpoint prefix '\(prefix)'")
    precondition(Self.isValidExtension(fileExtension), "invalid extension '\(fileExtension)'")
    self.prefix = prefix
    self.version = version
    self.secondsSince1970 = secondsSince1970
    self.fileExtension = fileExtension
    precondition((1...9999).contains(civil.year), "checkpoint year out of 1...9999")
  }

  /// Parses a file name; nil unless it is exactly what ``fileName`` would produce (so
  /// `v03`, a 13th month or February 30 are refused).
  public init?(fileName: String) {
    guard let parsed = Self.parse(fileName) else { return nil }
    self = parsed
  }

  /// The timestamp as a `Date`.
  public var timestamp: Date { Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

  /// `<prefix>_v<version>_YYYY-MM-DDTHH-MM-SS.<extension>`.
  public var fileName: String {
    let c = civil
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let year = String(repeating: "0", count: max(0, 4 - String(c.year).count)) + String(c.year)
    return "\(prefix)_v\(version)_\(year)-\(two(c.month))-\(two(c.day))T"
      + "\(two(c.hour))-\(two(c.minute))-\(two(c.second)).\(fileExtension)"
  }

  /// The file name.
  public var description: String { fileName }

  /// Orders by version, then timestamp, then file name.
  public static func < (a: CheckpointName, b: CheckpointName) -> Bool {
    (a.version, a.secondsSince1970, a.fileName) < (b.version, b.secondsSince1970, b.fileName)
  }

  // MARK: - Calendar arithmetic (proleptic Gregorian, UTC)

  private var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    let s = Int(secondsSince1970)
    let days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400)
    let rem = s - days * 86400
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day, rem / 3600, rem % 3600 / 60, rem % 60)
  }

  private static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  private static func isValidExtension(_ ext: String) -> Bool {
    !ext.isEmpty
      && ext.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
        !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
      }
  }

  private static func parse(_ name: String) -> CheckpointName? {
    // <prefix>_v<digits>_<19-char timestamp>.<ext>; the timestamp has no '.', so the first
    // '.' after it starts the extension.
    guard let marker = name.range(of: "_v", options: .backwards) else { return nil }
    let prefix = String(name[..<marker.lowerBound])
    let rest = name[marker.upperBound...]
    guard let underscore = rest.firstIndex(of: "_") else { return nil }
    let digits = rest[..<underscore]
    guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
      let version = Int(digits)
    else { return nil }
    let tail = Array(rest[rest.index(after: underscore)...])
    guard tail.count > 20, tail[19] == "." else { return nil }
    let stamp = tail[0..<19]
    func num(_ r: Range<Int>) -> Int? {
      let s = stamp[r]
      return s.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int(String(s)) : nil
    }
    guard stamp[4] == "-", stamp[7] == "-", stamp[10] == "T", stamp[13] == "-", stamp[16] == "-",
      let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
      let mi = num(14..<16), let s = num(17..<19), y >= 1, (1...12).contains(mo),
      (1...31).contains(d), h < 24, mi < 60, s < 60
    else { return nil }
    let ext = String(tail[20...])
    guard !prefix.isEmpty, !prefix.contains("/"), isValidExtension(ext) else { return nil }
    let seconds = Int64(daysFromCivil(y, mo, d)) * 86400 + Int64(h * 3600 + mi * 60 + s)
    let result = CheckpointName(
      prefix: prefix, version: version, secondsSince1970: seconds, fileExtension: ext)
    return result.fileName == name ? result : nil
  }
}
