import Foundation
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Comparing container checkpoints (sharded, TorchScript, DCP) with the inventories PyTorch
/// produced for them (`Scripts/inventory.py`, committed as `*.expected.json`).
enum ContainerCorpus {
  /// A folder under Golden/pytorch/.
  static func golden(_ path: String) -> URL {
    Repository.root.appendingPathComponent("Golden/pytorch/\(path)")
  }

  /// A JSON document written by Python's json module.
  static func document(_ url: URL) throws -> [String: Any] {
    try TestJSON.pythonJSON(Data(contentsOf: url)) as? [String: Any] ?? [:]
  }

  /// Expects `checkpoint`'s inventory to equal the expected document's `format`,
  /// `weights_only_ok` and entries, field by field, paths in order.
  static func expectInventory(
    of checkpoint: Checkpoint, equals expectedURL: URL,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected = try document(expectedURL)
    #expect(
      checkpoint.format.rawValue == expected["format"] as? String, sourceLocation: sourceLocation)
    #expect(
      checkpoint.weightsOnlyOK == expected["weights_only_ok"] as? Bool,
      "\(checkpoint.weightsOnlyRefusal ?? "accepted")", sourceLocation: sourceLocation)
    let (ours, got, want) = try inventoryEntries(
      of: checkpoint, expected: expected, sourceLocation: sourceLocation)
    #expect(ours["format"] as? String == expected["format"] as? String)
    #expect(!want.isEmpty, sourceLocation: sourceLocation)
    for (g, w) in zip(got, want) {
      let path = w["path"] as? String ?? ""
      for (key, value) in w where key != "path" {
        #expect(
          same(g[key], value),
          "\(path): \(key) is \(String(describing: g[key])), PyTorch says \(value)",
          sourceLocation: sourceLocation)
      }
    }
  }

  /// JSON values equal, with numbers compared as doubles.
  static func same(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x as NSNumber, let y as NSNumber): return x.doubleValue == y.doubleValue
    case (let x as String, let y as String): return x == y
    case (let x as [Any], let y as [Any]):
      return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (is NSNull, is NSNull): return true
    default: return false
    }
  }

  /// A fresh temporary folder, removed by the caller.
  static func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-containers-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// Expects two folders to hold the same file names with the same bytes.
  static func expectSameFiles(
    _ ours: URL, _ theirs: URL, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let a = try FileManager.default.contentsOfDirectory(atPath: ours.path).sorted()
    let b = try FileManager.default.contentsOfDirectory(atPath: theirs.path).sorted()
    #expect(a == b, sourceLocation: sourceLocation)
    for name in b where a.contains(name) {
      let x = try Data(contentsOf: ours.appendingPathComponent(name))
      let y = try Data(contentsOf: theirs.appendingPathComponent(name))
      #expect(
        x == y,
        "\(name): \(x.count) bytes differ from the \(y.count) bytes of \(theirs.lastPathComponent)/\(name)",
        sourceLocation: sourceLocation)
    }
  }
}
