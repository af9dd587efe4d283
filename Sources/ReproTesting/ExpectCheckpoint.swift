public import Foundation
public import ReproFormat
public import ReproHarness
public import ReproTensor

/// Expects a checkpoint to match a reference checkpoint, key by key, within a tolerance.
///
/// Both files are loaded with `Checkpoint.load` (any format Repro reads: torch zip or legacy,
/// safetensors, sharded and DCP folders, TorchScript archives) and compared by `FileComparison`,
/// the engine of `repro compare`: tensors are matched by key path and pass with
/// `torch.testing.assert_close` semantics (the default rtol/atol of the less precise dtype, on
/// values upcast to float64, so a float32 reference and its float16 export compare
/// meaningfully); integers and bool compare exactly; non-tensor values too.
///
/// When they differ, a test issue is recorded at the call site (Swift Testing's `Issue.record`,
/// or `XCTFail` under XCTest) holding the comparison: a summary line, then one line per failing,
/// missing or unexpected key with the dtypes, max abs / max rel error, mismatch count and the
/// worst index with both values.
///
/// ```swift
/// import ReproTesting
/// import Testing
///
/// @Test func halfPrecisionExportStaysClose() throws {
///   try expectCheckpoint(
///     fixture("model.fp16.safetensors"), matches: fixture("model.pt"))
/// }
/// ```
///
/// A failure reads:
///
/// ```text
/// model_perturbed.pt does not match model.pt (assert_close):
/// FAIL: 1 of 4 keys differ, 0 missing, 0 unexpected; reference model.pt, candidate model_perturbed.pt
/// 0.weight: float32 -> float32, mismatched 1 / 4, max abs 0.5, max rel 0.859…, worst index 2: reference -0.58…, candidate -0.08…
/// ```
///
/// - Parameters:
///   - candidate: the checkpoint under test.
///   - reference: the checkpoint it must match.
///   - tolerance: `.assertClose` (default), `.bitwise`, or an explicit rtol/atol.
///   - stripPrefixes: prefixes stripped from the keys of either file (`module.`).
///   - only: globs (`*`, `?`) of the key paths to compare; empty compares every key.
///   - ignore: globs of key paths left out.
///   - equalNaN: whether two NaNs count as equal.
///   - mapLocation: where both files' storages go (default `cpu`, as `torch.load(f,
///     map_location="cpu")`); nil compares the device tags written in the files.
///   - policy: how both files are read (`.trusted` for whole-model files).
///   - fileID: the caller's `#fileID`.
///   - filePath: the caller's `#filePath`.
///   - line: the caller's `#line`.
///   - column: the caller's `#column`.
/// - Returns: the comparison (its `passed`, `rows`, `missingKeys`, `render()`).
/// - Throws: `FormatError` when a file cannot be read (a difference is an issue, not an error).
@discardableResult
public func expectCheckpoint(
  _ candidate: URL, matches reference: URL, tolerance: CheckpointTolerance = .assertClose,
  stripPrefixes: [String] = [], only: [String] = [], ignore: [String] = [],
  equalNaN: Bool = false, mapLocation: MapLocation? = .device(.cpu),
  policy: LoadPolicy = .weightsOnly,
  fileID: StaticString = #fileID, filePath: StaticString = #filePath, line: UInt = #line,
  column: UInt = #column
) throws -> FileComparison {
  let options = tolerance.options(
    stripPrefixes: stripPrefixes, only: only, ignore: ignore, equalNaN: equalNaN)
  let ref = try Checkpoint.load(contentsOf: reference, mapLocation: mapLocation, policy: policy)
  let cand = try Checkpoint.load(contentsOf: candidate, mapLocation: mapLocation, policy: policy)
  let result = FileComparison.compare(
    ref, cand, options: options, referenceName: reference.lastPathComponent,
    candidateName: candidate.lastPathComponent)
  if !result.passed {
    let message =
      "\(candidate.lastPathComponent) does not match \(reference.lastPathComponent) (\(tolerance)):\n"
      + result.render()
    TestIssue.record(
      message,
      at: .init(fileID: fileID, filePath: filePath, line: line, column: column))
  }
  return result
}
