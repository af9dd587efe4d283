public import Foundation
public import ReproFormat
public import ReproHarness

/// Expects a checkpoint file to keep matching its recorded golden, like swift-snapshot-testing's
/// `assertSnapshot` for checkpoints.
///
/// The golden is the file's inventory (per tensor dtype, shape, stride, device tag, sha256 of the
/// bytes and first values; every other value), stored by default next to the test file as
/// `__Goldens__/<TestFile>/<name>.json` (snapshot-testing's `__Snapshots__`), to be committed.
///
/// Record modes follow snapshot testing and `repro run`: `REPRO_RECORD=missing` (the local
/// default) writes a golden that does not exist, `failed` re-writes one that differs, `all`
/// re-writes every one, `never` only compares; under `CI=true` nothing is recorded and a missing
/// golden fails. Recording records an issue too, so a test never passes on a golden it just
/// wrote.
///
/// A changed file records an issue naming the file, the golden and each key that changed:
///
/// ```text
/// model.pt no longer matches its golden ExampleTests/released-weights.json: 1 change
///   '0.weight' changed: sha256 15593bbe9e975da3… → 47a3989e59e9e84f…, first values [...] → [...]
/// if the change is intended, re-record with REPRO_RECORD=failed (file /…/model.pt)
/// ```
///
/// ```swift
/// @Test func releasedWeightsUnchanged() throws {
///   try expectGolden(fixture("model.pt"), named: "released-weights")
/// }
/// ```
///
/// - Parameters:
///   - file: the checkpoint file (or sharded/DCP folder) under test.
///   - name: the golden's name, unique within the test file (letters, digits, `.`, `-`, `_`;
///     anything else becomes `_`).
///   - record: the record mode; nil (default) reads `REPRO_RECORD` and `CI`.
///   - goldenDirectory: the folder holding the golden; nil (default) is
///     `__Goldens__/<TestFile>` next to the test file.
///   - policy: how the file is read (`.trusted` for a whole-model file).
///   - mapLocation: the file's `map_location`; nil (default) records the tags as written.
///   - fileID: the caller's `#fileID`.
///   - filePath: the caller's `#filePath`; the default golden folder lies next to it.
///   - line: the caller's `#line`.
///   - column: the caller's `#column`.
/// - Returns: the verdict (its `outcome`, `changes` and `message`).
/// - Throws: `FormatError` when the file cannot be read; I/O errors writing a golden.
@discardableResult
public func expectGolden(
  _ file: URL, named name: String, record: RecordMode? = nil, goldenDirectory: URL? = nil,
  policy: LoadPolicy = .weightsOnly, mapLocation: MapLocation? = nil,
  fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
  column: UInt = #column
) throws -> GoldenFileCheck.Verdict {
  let environment = ProcessInfo.processInfo.environment
  let folder = goldenDirectory ?? defaultGoldenDirectory(testFile: "\(filePath)")
  let store = GoldenStore(
    root: folder.deletingLastPathComponent(), mode: record ?? .fromEnvironment(environment),
    artifactRoot: environment["REPRO_GOLDEN_ARTIFACTS"].map { URL(fileURLWithPath: $0) })
  let check = GoldenFileCheck(
    name: name, file: file, group: folder.lastPathComponent, policy: policy,
    mapLocation: mapLocation)
  let verdict = try check.verify(in: store)
  if !verdict.isSuccess {
    TestIssue.record(
      verdict.message,
      at: .init(fileID: fileID, filePath: filePath, line: line, column: column))
  }
  return verdict
}

/// `__Goldens__/<TestFile>` next to the test file (`Tests/MyTests/__Goldens__/ModelTests`).
func defaultGoldenDirectory(testFile: String) -> URL {
  let test = URL(fileURLWithPath: testFile)
  return test.deletingLastPathComponent().appendingPathComponent("__Goldens__")
    .appendingPathComponent(test.deletingPathExtension().lastPathComponent)
}
