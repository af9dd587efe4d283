public import Foundation
public import ReproFormat
public import ReproHarness
public import ReproTensor

/// Expects a checkpoint to survive Repro's save/reload matrix: every format × dtype × device ×
/// route of a `RoundTripCheck`.
///
/// Each case loads the file, casts its floating tensors to the dtype (bit for bit as
/// `tensor.to(dtype)`), tags the device, writes the format, reloads it through the route and
/// checks that a same-dtype trip is bitwise (every tensor and every non-tensor value) and that a
/// cast stays within `torch.testing.assert_close` of the original (`check_dtype=False`). A nested
/// training checkpoint written as safetensors is flattened (`model.0.weight`); a file with no
/// tensor is skipped there.
///
/// One test issue is recorded per failing case, naming the case (`roundtrip/model.pt/
/// safetensors/float16/cpu/plain`), the key and the figures; an issue is also recorded when
/// every case was skipped, since then nothing was checked.
///
/// ```swift
/// @Test func checkpointRoundTrips() throws {
///   try expectRoundTrip(
///     of: fixture("model.pt"), through: [.torch, .safetensors], dtypes: [.float32, .bfloat16])
/// }
/// ```
///
/// - Parameters:
///   - checkpoint: the file under test.
///   - formats: the formats to write (default torch and safetensors).
///   - dtypes: the dtypes to cast floating tensors to; empty (default) keeps the file's.
///   - devices: the device tags to write (a tag other than `cpu` is reloaded with
///     `map_location="cpu"`).
///   - routes: how the files are read back (default `.plain`; also `.mmap`, `.nonStrict`,
///     `.dataParallel`).
///   - policy: how the input is read (`.trusted` for a whole-model file).
///   - tolerance: the tolerance of casts; nil takes `assert_close`'s default.
///   - fileID: the caller's `#fileID`.
///   - filePath: the caller's `#filePath`.
///   - line: the caller's `#line`.
///   - column: the caller's `#column`.
/// - Returns: every case's result (passing, failing and skipped).
/// - Throws: when the scratch folder cannot be created (a failing case is an issue, not an
///   error).
@discardableResult
public func expectRoundTrip(
  of checkpoint: URL, through formats: [CheckpointFormat] = [.torch, .safetensors],
  dtypes: [DType] = [], devices: [Device] = [.cpu],
  routes: [RoundTripCheck.Route] = [.plain], policy: LoadPolicy = .weightsOnly,
  tolerance: Tolerance? = nil,
  fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
  column: UInt = #column
) throws -> [CaseResult] {
  let check = RoundTripCheck(
    checkpoint: checkpoint, formats: formats, dtypes: dtypes, devices: devices, routes: routes,
    policy: policy, tolerance: tolerance)
  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
    "repro-roundtrip-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  let context = SuiteContext(
    golden: GoldenStore(root: scratch, mode: .never), scratch: scratch, threads: 1)
  let results = check.cases().map { $0.run(in: context) }
  let location = TestIssue.Location(fileID: fileID, filePath: filePath, line: line, column: column)
  for r in results where r.status == .fail || r.status == .error {
    var text = "\(r.id): \(r.failure?.message ?? r.status.rawValue)"
    if let details = r.failure?.details, !details.isEmpty { text += "\n\n" + details }
    TestIssue.record(text, at: location)
  }
  if !results.isEmpty && results.allSatisfy({ $0.status == .skip }) {
    let reasons = results.map { "\($0.id): \($0.failure?.message ?? "skipped")" }
    TestIssue.record(
      "every round trip of \(checkpoint.lastPathComponent) was skipped, nothing was checked:\n"
        + reasons.joined(separator: "\n"), at: location)
  }
  return results
}
