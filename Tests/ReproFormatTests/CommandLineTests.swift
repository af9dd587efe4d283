import Foundation
import Testing

/// The built `repro` executable, if any.
enum ReproExecutable {
  static let url: URL? = {
    let candidates = [
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("repro"),
      Corpus.root.appendingPathComponent(".build/debug/repro"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }()
}

/// `repro inspect` and `repro convert` end to end against the built binary.
@Suite(.enabled(if: ReproExecutable.url != nil, "repro binary not built (run `swift build` first)"))
struct CommandLineTests {
  static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    guard let url = ReproExecutable.url else { throw CocoaError(.fileNoSuchFile) }
    p.executableURL = url
    p.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (
      p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self)
    )
  }

  static func corpus(_ name: String) -> String {
    Corpus.root.appendingPathComponent("Golden/pytorch/interop/\(name)").path
  }

  @Test func inspectJSONEqualsThePyTorchInventory() throws {
    let r = try Self.run(["inspect", Self.corpus("mlp_adam_checkpoint.pt"), "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let ours = try #require(try Corpus.pythonJSON(Data(r.stdout.utf8)) as? [String: Any])
    let want = try #require(
      try Corpus.pythonJSON(
        Data(contentsOf: URL(fileURLWithPath: Self.corpus("mlp_adam_checkpoint.expected.json"))))
        as? [String: Any])
    #expect(ours["format"] as? String == "zip")
    #expect(ours["weights_only_ok"] as? Bool == true)
    let a = ours["entries"] as? [[String: Any]] ?? []
    let b = want["entries"] as? [[String: Any]] ?? []
    #expect(a.map { $0["path"] as? String } == b.map { $0["path"] as? String })
    #expect(a.map { $0["sha256"] as? String } == b.map { $0["sha256"] as? String })
  }

  @Test func convertReSavesTorchFilesByteIdentically() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for name in ["seq_mlp_fp32.pt", "simple_sgd_checkpoint.pt", "all_dtypes.pt"] {
      // Same base name: torch names the archive after the file.
      let out = dir.appendingPathComponent(name)
      let r = try Self.run(["convert", Self.corpus(name), out.path])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(
        try Data(contentsOf: out) == Data(contentsOf: URL(fileURLWithPath: Self.corpus(name))),
        "\(name) differs from torch.save's bytes")
    }
  }

  @Test func badInputExitsWith2AndSaysWhy() throws {
    let path = Corpus.root.appendingPathComponent("Golden/malformed/zip_bad_crc_data.pt").path
    let r = try Self.run(["inspect", path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("badCRC: record 'malformed/data/0'"), "\(r.stderr)")
    let missing = try Self.run(["inspect", "/nonexistent/model.pt"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("/nonexistent/model.pt"))
  }

  @Test func safetensorsConversionRefusesCheckpointsWithAClearMessage() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-cli-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.corpus("simple_sgd_checkpoint.pt")
    let r = try Self.run(["convert", input, out.path])
    #expect(r.status == 2)
    // The message names the input (what is wrong is in it) and uses the right article.
    #expect(
      r.stderr
        == "repro: \(input): unsupported: safetensors holds only tensors, but 'epoch' is an int; convert a flat state dict instead\n",
      "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func safetensorsConversionNamesTheKindOfANestedValue() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-cli-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.corpus("mlp_adam_checkpoint.pt")
    let r = try Self.run(["convert", input, out.path])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("repro: \(input): "), "\(r.stderr)")
    #expect(r.stderr.contains("but 'model' is an OrderedDict;"), "\(r.stderr)")
  }

  /// Tied weights: deduplicated as safetensors.torch.save_model does (its file, byte for byte),
  /// and the dropped key is printed.
  @Test func safetensorsConversionDeduplicatesTiedWeightsLikeSaveModel() throws {
    let dir = Corpus.root.appendingPathComponent("Golden/pytorch/realworld")
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-cli-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: out) }
    let r = try Self.run([
      "convert", dir.appendingPathComponent("tied_gpt2.pt").path, out.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout
        == "dropped 'transformer.wte.weight': it shares memory with 'lm_head.weight' (recorded in __metadata__, as safetensors.torch.save_model does)\n"
    )
    let want = try Data(
      contentsOf: dir.appendingPathComponent("tied_gpt2.save_model.safetensors"))
    #expect(try Data(contentsOf: out) == want)
  }

  @Test func safetensorsConversionRefusesSharedViewsItCannotDeduplicate() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-cli-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.corpus("views_shared.pt")
    let r = try Self.run(["convert", input, out.path])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "\(input): invalidArgument: safetensors: tensors 'base', 'cols', 'expanded', 'flat', 'rows', 'scalar', 't' share memory"
      ), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func usageErrorsExitWith64() throws {
    let r = try Self.run(["convert", "a.pt", "a.pt"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("IN and OUT must differ"))
  }

  @Test func inspectSuggestsTrustOnlyForTorchNNGlobals() throws {
    let malformed = Corpus.root.appendingPathComponent("Golden/malformed")
    let module = try Self.run(
      ["inspect", malformed.appendingPathComponent("global_nn_linear_module.pt").path])
    #expect(module.status == 2)
    #expect(module.stderr.contains("pass --trust"), "\(module.stderr)")
    let system = try Self.run(
      ["inspect", malformed.appendingPathComponent("global_os_system.pt").path])
    #expect(system.status == 2)
    #expect(system.stderr.contains("global 'os.system'"), "\(system.stderr)")
    #expect(!system.stderr.contains("--trust"), "\(system.stderr)")
  }

  @Test func outputFormatChoicesAreTheWritableFormats() throws {
    let legacy = try Self.run(["convert", Self.corpus("seq_mlp_fp32.pt"), "x.pt", "--to", "legacy"])
    #expect(legacy.status == 64)
    #expect(
      legacy.stderr.contains(
        "The value 'legacy' is invalid for '--to <to>'. Please provide one of 'torch' and 'safetensors'."
      ), "\(legacy.stderr)")
  }
}
