import Foundation
import ReproCLI
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

/// `--seed` follows torch.manual_seed in every command: Golden/pytorch/seed/seeds.json
/// (Scripts/make_seed_goldens.py, torch 2.13) records what torch makes of each seed.
@Suite struct SeedTests {
  /// One seed as torch saw it.
  struct TorchSeed: Decodable, Sendable, CustomTestStringConvertible {
    var seed: String
    var initialSeed: String?
    var generatorInitialSeed: String?
    var error: String?
    var stateDictSHA256: [String: String]?
    var testDescription: String { seed }

    enum CodingKeys: String, CodingKey {
      case seed, error
      case initialSeed = "initial_seed"
      case generatorInitialSeed = "generator_initial_seed"
      case stateDictSHA256 = "state_dict_sha256"
    }
  }

  struct File: Decodable {
    var spec: String
    var cases: [TorchSeed]
  }

  static let file = Result { try TestJSON.decode(File.self, golden: "pytorch/seed/seeds.json") }
  static var cases: [TorchSeed] { (try? file.get().cases) ?? [] }

  @Test func theGoldenCoversNegativeAndOutOfRangeSeeds() throws {
    let cases = try Self.file.get().cases
    #expect(cases.count == 10)
    #expect(cases.contains { $0.seed == "-1" && $0.initialSeed == "18446744073709551615" })
    #expect(cases.filter { $0.error != nil }.count == 2)
  }

  @Test(arguments: cases)
  func seedArgumentEqualsTorchInitialSeed(_ c: TorchSeed) throws {
    let parsed = Seed(argument: c.seed)
    if c.error != nil {
      #expect(parsed == nil, "torch refuses \(c.seed): \(c.error ?? "")")
    } else {
      #expect(parsed?.value == c.initialSeed.flatMap { UInt64($0) })
      #expect(c.generatorInitialSeed == c.initialSeed)
    }
  }

  /// `repro generate --seed S` builds what `torch.manual_seed(S); nn.Sequential(...)` builds,
  /// negative seeds included.
  @Test(arguments: cases.filter { $0.error == nil && $0.seed.hasPrefix("-") })
  func generateWrapsNegativeSeedsLikeTorch(_ c: TorchSeed) throws {
    let spec = try Self.file.get().spec
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-seed")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("m.pt")
    let r = try ReproBinary.run(["generate", "--model", spec, "--seed", c.seed, "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let checkpoint = try Checkpoint.load(contentsOf: out)
    let want = try #require(c.stateDictSHA256)
    let tensors = try checkpoint.flatTensors()
    #expect(tensors.map(\.name).sorted() == want.keys.sorted())
    for (name, tensor) in tensors {
      #expect(tensor.sha256Hex() == want[name], "\(name) for seed \(c.seed)")
    }
  }

  /// Seeds torch refuses are usage errors in every command that takes one.
  @Test(arguments: cases.filter { $0.error != nil })
  func outOfRangeSeedsAreUsageErrors(_ c: TorchSeed) throws {
    for arguments in [
      ["generate", "--model", "mlp", "--seed", c.seed, "-o", "/tmp/unused.pt"],
      ["random", "--seed", c.seed, "--dist", "normal", "--shape", "3"],
      [
        "train", "--model", "mlp", "--optimizer", "sgd", "--steps", "1", "--data-seed", "0",
        "--seed", c.seed, "-o", "/tmp/unused.pt",
      ],
      [
        "train", "--model", "mlp", "--optimizer", "sgd", "--steps", "1", "--data-seed", c.seed,
        "-o", "/tmp/unused.pt",
      ],
    ] {
      let r = try ReproBinary.run(arguments)
      #expect(r.status == 64, "\(arguments)")
      #expect(r.stderr.contains("Error: The value '\(c.seed)' is invalid for '--"), "\(r.stderr)")
    }
  }
}
