import Foundation

/// Time stamps in the forms reports use.
enum ReportTime {
  private static let utc: Calendar = {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? c.timeZone
    return c
  }()

  /// `2026-11-23T05:49:08.691Z` (UTC, rounded to the millisecond), for JSON.
  ///
  /// Parsing it back with `parseISO8601(_:)` and formatting again gives the same text.
  static func iso8601(_ date: Date) -> String {
    let millis = (date.timeIntervalSince1970 * 1000).rounded()
    let seconds = (millis / 1000).rounded(.down)
    let fraction = Int(millis - seconds * 1000)
    let c = utc.dateComponents(
      [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0,
      c.hour ?? 0, c.minute ?? 0, c.second ?? 0, fraction)
  }

  /// Parses `iso8601(_:)`'s form: `yyyy-MM-ddTHH:mm:ss[.SSS]Z`.
  static func parseISO8601(_ text: String) -> Date? {
    guard text.hasSuffix("Z") else { return nil }
    let body = text.dropLast()
    let halves = body.split(separator: ".", omittingEmptySubsequences: false)
    guard halves.count <= 2 else { return nil }
    var millis = 0
    if halves.count == 2 {
      guard halves[1].count == 3, let m = Int(halves[1]) else { return nil }
      millis = m
    }
    let fields = halves[0].split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
    guard fields.count == 6, fields.allSatisfy({ $0 != nil }) else { return nil }
    let v = fields.map { $0 ?? 0 }
    let components = DateComponents(
      year: v[0], month: v[1], day: v[2], hour: v[3], minute: v[4], second: v[5])
    guard let whole = utc.date(from: components) else { return nil }
    return Date(timeIntervalSince1970: (whole.timeIntervalSince1970 * 1000 + Double(millis)) / 1000)
  }

  /// `2026-11-23T05:49:08` (UTC, no zone), the form of the Ant JUnit schema's timestamps.
  static func junit(_ date: Date) -> String {
    String(iso8601(date).prefix(19))
  }

  /// Seconds with three decimals (`0.125`), the precision JUnit consumers accept.
  static func seconds(_ s: Double) -> String {
    String(format: "%.3f", s.isFinite ? Swift.max(0, s) : 0)
  }
}
