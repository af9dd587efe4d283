import Foundation
import ReproTestSupport
import Testing

/// The shared test helpers themselves: the root finder stops at `/`, the binary is found in the
/// build folder, Python's JSON tokens are read.
@Suite struct TestSupportTests {
  @Test func rootFinderThrowsOutsideACheckout() throws {
    let outside = try Repository.makeTemporaryFolder(prefix: "repro-no-package")
    defer { try? FileManager.default.removeItem(at: outside) }
    let deep = outside.appendingPathComponent("a/b/c")
    try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
    #expect(throws: TestSupportError.self) { try Repository.findRoot(above: deep) }
  }

  @Test func rootFinderFindsTheNearestPackage() throws {
    let root = try Repository.findRoot(
      above: Repository.root.appendingPathComponent("Tests/ReproCLITests/TestSupportTests.swift"))
    #expect(root.standardizedFileURL.path == Repository.root.standardizedFileURL.path)
    #expect(
      FileManager.default.fileExists(atPath: Repository.golden("MANIFEST.json").path))
  }

  @Test func binaryIsFoundInTheBuildFolderNotInAFixedPath() throws {
    let url = try ReproBinary.url()
    #expect(ReproBinary.buildFolders.contains { $0.path == url.deletingLastPathComponent().path })
    let r = try ReproBinary.run(["--version"])
    #expect(r.status == 0 && r.stdout == "0.1.0\n" && r.stderr == "")
  }

  @Test func pythonJSONKeepsNonFiniteFloatsAndBigIntegers() throws {
    let text = #"{"a": NaN, "b": -Infinity, "c": 18446744073709551615, "d": 1.5e-3, "e": "NaN"}"#
    let object = try #require(try TestJSON.pythonJSON(Data(text.utf8)) as? [String: Any])
    #expect(object["a"] as? String == "NaN")
    #expect(object["b"] as? String == "-Infinity")
    #expect(object["c"] as? String == "18446744073709551615")
    #expect(object["d"] as? Double == 1.5e-3)
    #expect(object["e"] as? String == "NaN")
  }
}
