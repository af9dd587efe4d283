import Foundation
import ReproTestSupport
import Testing

/// `repro random` end to end, against the built binary and the PyTorch goldens
/// (Golden/pytorch/rng, from Scripts/make_rng_vectors.py).
@Suite struct RandomCommandTests {
  /// The parts of an RNG golden file these tests read.
  struct RNGFile: Decodable, Sendable {
    struct TensorCase: Decodable, Sendable {
      var id: String
      var sha256: String
      var bits: [String]?
    }
    var explicit: [String: String]?
    var tensors: [TensorCase]
  }

  static let avx2 = Result { try TestJSON.decode(RNGFile.self, golden: "pytorch/rng/vectors.json") }

  static func golden(_ id: String) throws -> RNGFile.TensorCase {
    try #require(try avx2.get().tensors.first { $0.id == id }, "golden \(id)")
  }

  @Test func sha256OfRandn1000MatchesTorch() throws {
    let golden = try #require(
      try Self.avx2.get().explicit?["torch.manual_seed(0); torch.randn(1000)"])
    let r = try ReproBinary.run([
      "random", "--seed", "0", "--dist", "normal", "--shape", "1000", "--dtype", "float32",
      "--sha256",
    ])
    #expect(r.status == 0)
    #expect(r.stdout == golden + "\n")
  }

  @Test(arguments: [
    ("normal", "float32", 0 as Int64, 16), ("normal", "float16", -5, 17),
    ("uniform", "bfloat16", 42, 33), ("uniform", "float64", 4_294_967_301, 15),
  ])
  func jsonBitsMatchGoldens(_ dist: String, _ dtype: String, _ seed: Int64, _ n: Int) throws {
    let call = dist == "normal" ? "randn" : "rand"
    let c = try Self.golden("\(call)[\(dtype)] seed=\(seed) shape=[\(n)]")
    let r = try ReproBinary.run([
      "random", "--seed", String(seed), "--dist", dist, "--shape", String(n), "--dtype", dtype,
      "--json",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let object = try TestJSON.object(parsing: Data(r.stdout.utf8))
    #expect(object["bits"] as? [String] == c.bits)
    #expect(object["shape"] as? [Int] == [n])
    #expect(object["dtype"] as? String == dtype)
    #expect((object["values"] as? [Any])?.count == n)
  }

  @Test func randintAndRandpermMatchGoldenHashes() throws {
    for (args, id) in [
      (
        [
          "--dist", "randint", "--seed", "-5", "--shape", "1000", "--low", "-1099511627776",
          "--high", "1099511627776",
        ],
        "randint[int64] seed=-5 shape=[1000] high=1099511627776 low=-1099511627776"
      ),
      (
        ["--dist", "randperm", "--seed", "42", "--shape", "1000"],
        "randperm[int64] seed=42 shape=[1000]"
      ),
    ] {
      let c = try Self.golden(id)
      let r = try ReproBinary.run(["random"] + args + ["--sha256"])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout == c.sha256 + "\n", "\(id)")
    }
  }

  @Test func validationErrorsExitWith64() throws {
    for args in [
      ["--seed", "0", "--dist", "randperm", "--shape", "3,4"],
      ["--seed", "0", "--dist", "randint", "--shape", "3"],
      ["--seed", "0", "--dist", "normal", "--shape", "3", "--dtype", "int64"],
      ["--seed", "18446744073709551616", "--dist", "normal", "--shape", "3"],
      ["--seed", "0", "--dist", "normal", "--shape", "3", "--sha256", "--json"],
      ["--seed", "0", "--dist", "gamma", "--shape", "3"],
      ["--seed", "0", "--dist", "normal", "--shape", "3", "--capability", "avx512"],
      ["--seed", "0", "--dist", "normal", "--shape", "3,-1"],
    ] {
      let r = try ReproBinary.run(["random"] + args)
      #expect(r.status == 64, "\(args): \(r.stderr)")
      #expect(r.stderr.hasPrefix("Error: "), "\(args): \(r.stderr)")
    }
  }
}
