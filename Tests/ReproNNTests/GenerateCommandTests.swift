import Foundation
import Testing

/// The built `repro` executable (`swift build` puts it beside the test bundle).
enum ReproExecutable {
  static let url: URL? = {
    var candidates: [URL] = []
    if let exe = Bundle.main.executableURL {
      candidates.append(exe.deletingLastPathComponent().appendingPathComponent("repro"))
    }
    candidates.append(
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("repro"))
    candidates.append(repoRoot().appendingPathComponent(".build/debug/repro"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()

  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    guard let url else { throw CocoaError(.fileNoSuchFile) }
    p.executableURL = url
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}

/// `repro generate` end to end, against the built binary and torch.save's files.
@Suite(.enabled(if: ReproExecutable.url != nil, "repro binary not built (run `swift build` first)"))
struct GenerateCommandTests {
  static func temporaryFolder() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-generate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test(
    arguments: try ModuleOracle.all().filter {
      $0.file != nil
        && [
          "module_00_s0_float32", "module_22_s1_bfloat16", "module_26_s7_float16",
          "sd_50_s3_float16",
        ].contains($0.name)
    })
  func generatedFileEqualsTorchSave(oracle: ModuleOracle) throws {
    let dir = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent(oracle.name + ".pt")
    let (status, output) = try ReproExecutable.run([
      "generate", "--model", oracle.spec, "--seed", String(oracle.seed), "--dtype", oracle.dtype,
      "--mode", oracle.mode, "-o", out.path,
    ])
    #expect(status == 0, "\(output)")
    #expect(output == "")
    let torch = try Data(
      contentsOf: ModuleOracle.folder.appendingPathComponent(try #require(oracle.file)))
    #expect(try Data(contentsOf: out) == torch)
  }

  @Test func badSpecExitsWith64AndPointsAtTheProblem() throws {
    let (status, output) = try ReproExecutable.run([
      "generate", "--model", "Sequential(Linear(5 7))", "--seed", "0", "-o", "/tmp/unused.pt",
    ])
    #expect(status == 64)
    #expect(
      output.hasPrefix(
        """
        Error: invalid model spec: expected ',' or ')' in the arguments of Linear(...) but found '7' at column 21
          Sequential(Linear(5 7))
                              ^

        """))
  }

  @Test func invalidArgumentsAndRefusedModulesExitWith64() throws {
    let (status, output) = try ReproExecutable.run([
      "generate", "--model", "Conv2d(3, 4, 3, groups=2)", "--seed", "0", "-o", "/tmp/unused.pt",
    ])
    #expect(status == 64)
    #expect(
      output
        == "repro: invalid model spec: Conv2d(): in_channels must be divisible by groups at column 1\n  Conv2d(3, 4, 3, groups=2)\n  ^\n"
    )
    let dir = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let refused = try ReproExecutable.run([
      "generate", "--model", "resnet18", "--mode", "module", "--seed", "0", "-o",
      dir.appendingPathComponent("r.pt").path,
    ])
    #expect(refused.status == 64)
    #expect(refused.output.contains("the root module is a ResNet, which has no torch.nn class"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test func unwritableDestinationExitsWith2() throws {
    let (status, output) = try ReproExecutable.run([
      "generate", "--model", "mlp", "--seed", "0", "-o", "/nonexistent-dir/x.pt",
    ])
    #expect(status == 2)
    #expect(
      output.hasPrefix("repro: /nonexistent-dir/x.pt: io: cannot write /nonexistent-dir/x.pt"))
  }

  @Test func safetensorsAndDeviceTagRoundTrip() throws {
    let dir = try Self.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let st = dir.appendingPathComponent("m.safetensors").path
    #expect(
      try ReproExecutable.run([
        "generate", "--model", "cnn", "--seed", "5", "--dtype", "bfloat16", "-o", st,
      ]).status == 0)
    let inspected = try ReproExecutable.run(["inspect", st, "--json"])
    #expect(inspected.status == 0)
    #expect(inspected.output.contains("\"format\": \"safetensors\""))
    let pt = dir.appendingPathComponent("m.pt").path
    #expect(
      try ReproExecutable.run([
        "generate", "--model", "mlp", "--seed", "5", "--device-tag", "cuda:1", "-o", pt,
      ]).status == 0)
    let table = try ReproExecutable.run(["inspect", pt])
    #expect(table.output.contains("cuda:1"))
  }

  @Test func listModelsNamesTheZoo() throws {
    let (status, output) = try ReproExecutable.run(["generate", "--list-models"])
    #expect(status == 0)
    for name in ["simple", "mlp", "cnn", "resnet18", "Conv2d", "BatchNorm2d"] {
      #expect(output.contains(name))
    }
  }
}
