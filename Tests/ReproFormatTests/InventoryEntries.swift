import Foundation
import ReproFormat
import ReproTestSupport
import Testing

/// Repro's inventory of `checkpoint`, read back as Python's `json` would, with its entries and
/// those of PyTorch's `expected` inventory, after checking that both list the same paths in the
/// same order.
func inventoryEntries(
  of checkpoint: Checkpoint, expected: [String: Any],
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> (ours: [String: Any], got: [[String: Any]], want: [[String: Any]]) {
  let json = Inventory(of: checkpoint).jsonText()
  let ours = try #require(
    try TestJSON.pythonJSON(Data(json.utf8)) as? [String: Any], sourceLocation: sourceLocation)
  let got = ours["entries"] as? [[String: Any]] ?? []
  let want = expected["entries"] as? [[String: Any]] ?? []
  #expect(
    got.map { $0["path"] as? String } == want.map { $0["path"] as? String },
    sourceLocation: sourceLocation)
  return (ours, got, want)
}
