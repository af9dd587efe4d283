import Foundation
import Testing

/// Where the built `repro` executable is.
enum ReproBinary {
  /// The `repro` executable next to the test bundle, or in .build/debug of the repository.
  static let binary: URL? = {
    var candidates: [URL] = []
    if let exe = Bundle.main.executableURL {
      candidates.append(exe.deletingLastPathComponent().appendingPathComponent("repro"))
    }
    candidates.append(
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("repro"))
    candidates.append(RNGGolden.repoRoot.appendingPathComponent(".build/debug/repro"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()
}

/// `repro random` end to end, against the built binary and the PyTorch goldens.
@Suite(.enabled(if: ReproBinary.binary != nil, "repro binary not built (run `swift build` first)"))
struct RandomCommandTests {
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    guard let binary = ReproBinary.binary else { throw CocoaError(.fileNoSuchFile) }
    p.executableURL = binary
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func sha256OfRandn1000MatchesTorch() throws {
    let golden = try #require(
      try RNGGolden.avx2.get().explicit?["torch.manual_seed(0); torch.randn(1000)"])
    let (status, output) = try Self.run(
      [
        "random", "--seed", "0", "--dist", "normal", "--shape", "1000", "--dtype", "float32",
        "--sha256",
      ])
    #expect(status == 0)
    #expect(output == golden + "\n")
  }

  @Test(arguments: [
    ("normal", "float32", 0 as Int64, 16), ("normal", "float16", -5, 17),
    ("uniform", "bfloat16", 42, 33),
    ("uniform", "float64", 4_294_967_301, 15),
  ])
  func jsonBitsMatchGoldens(_ dist: String, _ dtype: String, _ seed: Int64, _ n: Int) throws {
    let call = dist == "normal" ? "randn" : "rand"
    let c = try #require(
      RNGGolden.avx2Cases.first { $0.id == "\(call)[\(dtype)] seed=\(seed) shape=[\(n)]" })
    let (status, output) = try Self.run(
      [
        "random", "--seed", String(seed), "--dist", dist, "--shape", String(n), "--dtype", dtype,
        "--json",
      ])
    #expect(status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
    #expect(object?["bits"] as? [String] == c.bits)
    #expect(object?["shape"] as? [Int] == [n])
    #expect(object?["dtype"] as? String == dtype)
    #expect((object?["values"] as? [Any])?.count == n)
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
      let c = try #require(RNGGolden.avx2Cases.first { $0.id == id }, "golden \(id)")
      let (status, output) = try Self.run(["random"] + args + ["--sha256"])
      #expect(status == 0)
      #expect(output == c.sha256 + "\n", "\(id)")
    }
  }

  @Test func validationErrorsExitWith64() throws {
    for args in [
      ["--seed", "0", "--dist", "randperm", "--shape", "3,4"],
      ["--seed", "0", "--dist", "randint", "--shape", "3"],
      ["--seed", "0", "--dist", "normal", "--shape", "3", "--dtype", "int64"],
      ["--seed", "18446744073709551616", "--dist", "normal", "--shape", "3"],
      ["--seed", "0", "--dist", "normal", "--shape", "3", "--sha256", "--json"],
    ] {
      let (status, output) = try Self.run(["random"] + args)
      #expect(status == 64, "\(args): \(output)")
      #expect(output.contains("Error:"))
    }
  }
}
