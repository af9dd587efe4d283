public import Foundation

/// The repository the tests run in: its root and its committed golden files.
///
/// ```swift
/// let url = Repository.golden("pytorch/train/recipes.json")
/// ```
public enum Repository {
  /// The repository root: the nearest folder above this source file holding `Package.swift`.
  ///
  /// A test bundle built outside a checkout (no `Package.swift` above this file) is a set-up
  /// error and traps with the path searched; `findRoot(above:)` is the throwing form.
  public static let root: URL = {
    do {
      return try findRoot(above: URL(fileURLWithPath: #filePath))
    } catch {
      fatalError("\(error)")
    }
  }()

  /// The nearest folder above `start` (a file or folder) that holds `Package.swift`.
  ///
  /// - Throws: `TestSupportError` when no folder up to `/` holds one.
  public static func findRoot(above start: URL) throws(TestSupportError) -> URL {
    var url = start.standardizedFileURL
    while true {
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path {
        throw TestSupportError(
          "no Package.swift in \(start.path) or any folder above it: the tests must run in a checkout"
        )
      }
      url = parent
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
  }

  /// The committed golden folder, `Golden/`.
  public static var goldenRoot: URL { root.appendingPathComponent("Golden") }

  /// A file or folder under `Golden/`, such as `pytorch/interop/seq_mlp_fp32.pt`.
  public static func golden(_ path: String) -> URL {
    goldenRoot.appendingPathComponent(path)
  }

  /// A fresh, empty folder in the temporary directory; the caller removes it.
  ///
  /// - Parameter prefix: the start of the folder's name, for finding leftovers.
  /// - Throws: when the folder cannot be created.
  public static func makeTemporaryFolder(prefix: String = "repro-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
