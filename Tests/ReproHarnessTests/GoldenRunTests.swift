import Foundation
import ReproHarness
import ReproTestSupport
import Testing

/// `GoldenRun`, the pass behind `repro golden verify|record|update`, in process.
@Suite struct GoldenRunTests {
  @Test func verifyPassesOnTheCommittedGoldens() throws {
    let artifacts = try Repository.makeTemporaryFolder(prefix: "repro-golden-run")
    defer { try? FileManager.default.removeItem(at: artifacts) }
    var pass = GoldenRun.verify(root: Repository.goldenRoot)
    pass.artifactRoot = artifacts
    let outcome = try pass.run()
    let gate = try WriterGate.items(goldenRoot: Repository.goldenRoot)
    #expect(outcome.isSuccess, "\(outcome.lines.joined(separator: "\n"))")
    #expect(outcome.matched == gate.count && outcome.matched > 0)
    #expect(outcome.lines == ["golden: \(gate.count) matched, 0 recorded, 0 failed"])
  }

  @Test func aChangedByteFailsVerifyUntilUpdateRewritesTheManifest() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-golden-run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let root = dir.appendingPathComponent("Golden")
    try FileManager.default.copyItem(at: Repository.goldenRoot, to: root)
    let changed = "pytorch/interop/seq_mlp_fp32.pt"
    var bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent(changed)))
    bytes[bytes.count / 2] ^= 1
    try Data(bytes).write(to: root.appendingPathComponent(changed))

    var verify = GoldenRun.verify(root: root)
    verify.artifactRoot = dir.appendingPathComponent("artifacts")
    let failed = try verify.run()
    #expect(!failed.isSuccess && failed.failed == 1)
    #expect(
      failed.lines.first?.hasPrefix("FAIL manifest: Golden/\(changed): sha256 is ") == true,
      "\(failed.lines)")
    #expect(failed.lines.last == "golden: \(failed.matched) matched, 0 recorded, 1 failed")

    var update = GoldenRun.update(root: root)
    update.artifactRoot = verify.artifactRoot
    let updated = try update.run()
    #expect(updated.lines.contains("MANIFEST.json rewritten"))
    #expect(try verify.run().isSuccess)
  }

  @Test func filterCountsOnlyMatchingWriterGoldens() throws {
    let artifacts = try Repository.makeTemporaryFolder(prefix: "repro-golden-run")
    defer { try? FileManager.default.removeItem(at: artifacts) }
    let gate = try WriterGate.items(goldenRoot: Repository.goldenRoot)
    let name = try #require(gate.first?.name)
    var pass = GoldenRun.verify(root: Repository.goldenRoot, filter: name)
    pass.artifactRoot = artifacts
    let outcome = try pass.run()
    #expect(outcome.matched == gate.filter { $0.name.contains(name) }.count)
    #expect(outcome.matched < gate.count || gate.count == 1)
  }
}
