import Foundation

/// Time stamps in the forms reports use.
enum ReportTime {
  /// `2026-11-23T05:49:08.691Z` (UTC, milliseconds), for JSON.
  static func iso8601(_ date: Date) -> String {
    date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted))
  }

  /// Parses `iso8601(_:)`'s form, with or without fractional seconds.
  static func parseISO8601(_ text: String) -> Date? {
    if let d = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) {
      return d
    }
    return try? Date(text, strategy: .iso8601)
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
