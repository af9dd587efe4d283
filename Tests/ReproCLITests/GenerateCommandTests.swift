import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

/// `repro generate` end to end, against the built binary and torch.save's files
/// (Golden/pytorch/modules, from Scripts/make_module_oracles.py).
@Suite struct GenerateCommandTests {
  /// One case of Golden/pytorch/modules/manifest.json.
  struct ModuleOracle: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var spec: String
    var seed: Int64
    var dtype: String
    var mode: String
    var file: String?
    var testDescription: String { name }

    static func named(_ names: Set<String>) throws -> [ModuleOracle] {
      struct Manifest: Decodable { var cases: [ModuleOracle] }
      return try TestJSON.decode(Manifest.self, golden: "pytorch/modules/manifest.json").cases
        .filter { $0.file != nil && names.contains($0.name) }
    }
  }

  @Test(
    arguments: try ModuleOracle.named([
      "module_00_s0_float32", "module_22_s1_bfloat16", "module_26_s7_float16", "sd_50_s3_float16",
    ]))
  func generatedFileEqualsTorchSave(oracle: ModuleOracle) throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-generate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent(oracle.name + ".pt")
    let r = try ReproBinary.run([
      "generate", "--model", oracle.spec, "--seed", String(oracle.seed), "--dtype", oracle.dtype,
      "--mode", oracle.mode, "-o", out.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "" && r.stderr == "")
    let torch = try Data(
      contentsOf: Repository.golden("pytorch/modules/\(try #require(oracle.file))"))
    #expect(try Data(contentsOf: out) == torch)
  }

  @Test func badSpecExitsWith64AndPointsAtTheProblem() throws {
    let r = try ReproBinary.run([
      "generate", "--model", "Sequential(Linear(5 7))", "--seed", "0", "-o", "/tmp/unused.pt",
    ])
    #expect(r.status == 64)
    #expect(
      r.stderr.hasPrefix(
        """
        Error: invalid model spec: expected ',' or ')' in the arguments of Linear(...) but found '7' at column 21
          Sequential(Linear(5 7))
                              ^

        """))
  }

  @Test func invalidArgumentsAndRefusedModulesExitWith64() throws {
    let r = try ReproBinary.run([
      "generate", "--model", "Conv2d(3, 4, 3, groups=2)", "--seed", "0", "-o", "/tmp/unused.pt",
    ])
    #expect(r.status == 64)
    #expect(
      r.stderr
        == "repro: invalid model spec: Conv2d(): in_channels must be divisible by groups at column 1\n  Conv2d(3, 4, 3, groups=2)\n  ^\n"
    )
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-generate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let refused = try ReproBinary.run([
      "generate", "--model", "resnet18", "--mode", "module", "--seed", "0", "-o",
      dir.appendingPathComponent("r.pt").path,
    ])
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("the root module is a ResNet, which has no torch.nn class"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func unwritableDestinationExitsWith2() throws {
    let r = try ReproBinary.run([
      "generate", "--model", "mlp", "--seed", "0", "-o", "/nonexistent-dir/x.pt",
    ])
    #expect(r.status == 2)
    #expect(
      r.stderr.hasPrefix("repro: /nonexistent-dir/x.pt: io: cannot write /nonexistent-dir/x.pt"))
  }

  @Test func safetensorsAndDeviceTagRoundTrip() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-generate")
    defer { try? FileManager.default.removeItem(at: dir) }
    let st = dir.appendingPathComponent("m.safetensors").path
    let written = try ReproBinary.run([
      "generate", "--model", "cnn", "--seed", "5", "--dtype", "bfloat16", "-o", st,
    ])
    #expect(written.status == 0, "\(written.stderr)")
    let inspected = try ReproBinary.run(["inspect", st, "--json"])
    #expect(inspected.status == 0)
    #expect(
      try TestJSON.object(parsing: Data(inspected.stdout.utf8))["format"] as? String
        == "safetensors")
    let pt = dir.appendingPathComponent("m.pt").path
    #expect(
      try ReproBinary.run([
        "generate", "--model", "mlp", "--seed", "5", "--device-tag", "cuda:1", "-o", pt,
      ]).status == 0)
    let table = try ReproBinary.run(["inspect", pt])
    #expect(table.stdout.contains(" cuda:1 "))
  }

  @Test func listModelsNamesTheZoo() throws {
    let r = try ReproBinary.run(["generate", "--list-models"])
    #expect(r.status == 0)
    for name in ["simple", "mlp", "cnn", "resnet18", "Conv2d", "BatchNorm2d"] {
      #expect(r.stdout.contains(name))
    }
  }

  @Test func unknownModeAndDTypeAreRefusedNotDefaulted() throws {
    for (option, value) in [("--mode", "weights"), ("--dtype", "int8"), ("--to", "onnx")] {
      let r = try ReproBinary.run([
        "generate", "--model", "mlp", "--seed", "0", option, value, "-o", "/tmp/unused.pt",
      ])
      #expect(r.status == 64, "\(option) \(value)")
      #expect(
        r.stderr.contains("Error: The value '\(value)' is invalid for '\(option) <"), "\(r.stderr)")
    }
  }
}
