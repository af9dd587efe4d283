import Foundation
import ReproTestSupport
import ReproTesting
import XCTest

/// The expectations under XCTest: a difference becomes an `XCTFail` at the caller's line.
///
/// The failure is captured by overriding `recordFailure` (swift-corelibs-xctest has no
/// `XCTExpectFailure`), so the test checks the text instead of failing.
final class XCTestReportingTests: XCTestCase {
  private var captured: [(description: String, file: String, line: Int)] = []
  private var capturing = false

  override func recordFailure(
    withDescription description: String, inFile filePath: String, atLine lineNumber: Int,
    expected: Bool
  ) {
    if capturing {
      captured.append((description, filePath, lineNumber))
    } else {
      super.recordFailure(
        withDescription: description, inFile: filePath, atLine: lineNumber, expected: expected)
    }
  }

  func testAMatchingCheckpointRecordsNothing() throws {
    let fp32 = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
    capturing = true
    let result = try expectCheckpoint(
      Repository.golden("pytorch/interop/seq_mlp_fp16.pt"), matches: fp32)
    capturing = false
    XCTAssertTrue(result.passed)
    XCTAssertTrue(captured.isEmpty)
  }

  func testAPerturbedCheckpointFailsAtTheCallersLine() throws {
    let fp32 = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
    let perturbed = Repository.golden("pytorch/compare/seq_mlp_fp32_perturbed.pt")
    capturing = true
    let line = #line + 1
    try expectCheckpoint(perturbed, matches: fp32)
    capturing = false
    XCTAssertEqual(captured.count, 1)
    let failure = try XCTUnwrap(captured.first)
    XCTAssertEqual(failure.line, line)
    XCTAssertTrue(failure.file.hasSuffix("XCTestReportingTests.swift"), failure.file)
    XCTAssertTrue(
      failure.description.contains(
        "seq_mlp_fp32_perturbed.pt does not match seq_mlp_fp32.pt (assert_close):\nFAIL: 1 of 4 keys differ"
      ), failure.description)
    XCTAssertTrue(failure.description.contains("\n0.weight: float32 -> float32, mismatched 1 / 4"))
  }
}
