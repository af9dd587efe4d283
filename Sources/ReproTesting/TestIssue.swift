#if canImport(Testing)
  import Testing
#endif
#if canImport(XCTest)
  import XCTest
#endif

/// Records a failure in whichever test framework is running the caller, as
/// swift-snapshot-testing's `recordIssue` does: Swift Testing's `Issue.record` at the caller's
/// source location when a Swift Testing test is running, else `XCTFail` with its file and line.
enum TestIssue {
  /// Where the assertion was written (the `#fileID`, `#filePath`, `#line`, `#column` of the call).
  struct Location: Sendable {
    var fileID: StaticString
    var filePath: StaticString
    var line: UInt
    var column: UInt
  }

  /// Records `message` as a failure at `location`.
  static func record(_ message: String, at location: Location) {
    #if canImport(Testing)
      if Test.current != nil {
        Issue.record(
          Comment(rawValue: message),
          sourceLocation: SourceLocation(
            fileID: String(describing: location.fileID),
            filePath: String(describing: location.filePath), line: Int(location.line),
            column: Int(location.column)))
        return
      }
    #endif
    #if canImport(XCTest)
      XCTFail(message, file: location.filePath, line: location.line)
    #else
      print("ReproTesting: \(location.filePath):\(location.line): \(message)")
    #endif
  }
}
