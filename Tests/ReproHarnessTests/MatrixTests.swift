import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproHarness

/// The default round-trip matrix as parameterized tests: each case is its own test, failing with
/// the same comparison messages as `repro run`.
///
/// resnet18's cases take ~18 s each in a debug
/// build, so they run here only with `REPRO_MATRIX_RESNET=1`; `make report` (release) runs them.
@Suite(.serialized) struct MatrixTests {
  static let environment = ProcessInfo.processInfo.environment
  static let cases = Matrix.standard.cases.filter {
    $0.model != "resnet18" || environment["REPRO_MATRIX_RESNET"] == "1"
  }
  static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
    "repro-matrix-tests")
  static let runner = MatrixRunner(
    golden: GoldenStore(
      root: Repository.goldenRoot, mode: .fromEnvironment(environment),
      artifactRoot: Repository.root.appendingPathComponent("Reports/golden-actual")),
    scratch: scratch, threads: 2)

  @Test func theDefaultMatrixHasAtLeast300Cases() {
    #expect(Matrix.standard.cases.count >= 300)
    #expect(
      Set(Matrix.standard.cases.map(\.id)).count == Matrix.standard.cases.count,
      "case ids are unique")
  }

  @Test func filtersAndShardsPartitionTheMatrix() throws {
    let m = Matrix.standard
    let f = try m.filtered("dtype=float16,format=safetensors")
    #expect(
      !f.cases.isEmpty
        && f.cases.allSatisfy { $0.precision == .float16 && $0.format == .safetensors })
    let shards = try (1...4).map { i in try #require(MatrixShard("\(i)/4")) }.map {
      m.shard($0).cases
    }
    #expect(shards.map(\.count).reduce(0, +) == m.cases.count)
    #expect(Set(shards.flatMap { $0.map(\.id) }).count == m.cases.count)
    #expect(throws: HarnessError.self) { try m.filtered("colour=red") }
  }

  @Test(arguments: ["0/4", "5/4", "1/0", "2", "a/b", "1/2/3", "-1/4", " 1/4", "1/ 4", ""])
  func shardTextIsRefusedUnlessIWithinOneToN(_ text: String) {
    #expect(MatrixShard(text) == nil)
  }

  @Test func shardTextRoundTripsAndLabelsTheRun() throws {
    let shard = try #require(MatrixShard("2/4"))
    #expect(shard.index == 2 && shard.count == 4 && shard.description == "2/4")
    #expect(Matrix.standard.shard(shard).shard == shard)
  }

  @Test(arguments: cases.map(\.id))
  func roundTrip(_ id: String) throws {
    try FileManager.default.createDirectory(at: Self.scratch, withIntermediateDirectories: true)
    let c = try #require(Self.cases.first { $0.id == id })
    let result = Self.runner.run(c)
    #expect(
      result.status == .pass, "\(result.failure?.message ?? "")\n\(result.failure?.details ?? "")")
  }
}
