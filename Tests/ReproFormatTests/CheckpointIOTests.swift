import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// `Checkpoint`, the one entry point for checkpoint files.
///
/// Every format loads through `Checkpoint.load` (given or detected once), the load policy
/// refuses forbidden globals with a structured field, and `Checkpoint.write` /
/// `serialized(format:)` give PyTorch's own bytes.
/// Expected values are PyTorch's: the interop corpus (`Scripts/make_interop_corpus.py`), the
/// safetensors corpus (`make_safetensors_corpus.py`) and the malformed corpus
/// (`make_malformed_corpus.py`, whose manifest records torch's own weights-only error).
@Suite struct CheckpointIOTests {
  /// One PyTorch-made file per format, with the format torch's inventory records.
  static let filesByFormat: [(file: String, format: CheckpointFormat)] = [
    ("pytorch/interop/seq_mlp_fp32.pt", .torch),
    ("pytorch/interop/seq_mlp_legacy.pt", .torchLegacy),
    ("pytorch/interop/seq_mlp_fp32_st.safetensors", .safetensors),
  ]

  static func golden(_ path: String) -> URL {
    Repository.golden(path)
  }

  static func scratch() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-checkpoint-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test(
    "each format loads when named and when detected, to PyTorch's inventory",
    arguments: filesByFormat)
  func loadsEachFormatNamedAndDetected(file: String, format: CheckpointFormat) throws {
    let url = Self.golden(file)
    let expectedURL = url.deletingPathExtension().appendingPathExtension("expected.json")
    let expected = try #require(
      try TestJSON.pythonJSON(Data(contentsOf: expectedURL)) as? [String: Any])
    let named = try Checkpoint.load(contentsOf: url, format: format)
    let detected = try Checkpoint.load(contentsOf: url)
    #expect(named.format == format)
    #expect(detected.format == format)
    #expect(format.inventoryName == expected["format"] as? String)
    #expect(CheckpointFormat.detect(in: try ZipArchive.readFile(url)) == format)
    let namedJSON = Inventory(of: named).jsonText()
    #expect(namedJSON == Inventory(of: detected).jsonText())
    let entries =
      try #require(
        try TestJSON.pythonJSON(Data(namedJSON.utf8)) as? [String: Any])["entries"]
      as? [[String: Any]]
    let want = try #require(expected["entries"] as? [[String: Any]])
    #expect(entries?.map { $0["path"] as? String } == want.map { $0["path"] as? String })
    #expect(entries?.map { $0["sha256"] as? String } == want.map { $0["sha256"] as? String })
  }

  @Test("a named format is not second-guessed: a zip file read as safetensors is refused")
  func namedFormatIsUsedAsGiven() throws {
    let url = Self.golden("pytorch/interop/seq_mlp_fp32.pt")
    let error = #expect(throws: FormatError.self) {
      _ = try Checkpoint.load(contentsOf: url, format: .safetensors)
    }
    #expect(error != nil && error?.code != .forbiddenGlobal)
    #expect(try Checkpoint.load(contentsOf: url, format: .torch).format == .torch)
  }

  /// The malformed files torch refuses with `GLOBAL <name>` in its weights-only error.
  ///
  /// Only those Repro must refuse as forbidden globals (no alternative code), with the qualified
  /// name torch wrote. torch writes builtins bare (`GLOBAL eval`); Repro's field keeps
  /// their module, `builtins` (Python 2's `__builtin__` mapped as pickle maps it).
  static let forbiddenGlobalCases: [(file: String, global: String, torchMessage: String)] = {
    let url = golden("malformed/MANIFEST.json")
    guard let doc = try? TestJSON.pythonJSON(Data(contentsOf: url)) as? [String: Any],
      let files = doc["files"] as? [[String: Any]]
    else { return [] }
    return files.compactMap { entry in
      guard entry["code"] as? String == "forbiddenGlobal",
        (entry["alt_codes"] as? [String] ?? []).isEmpty,
        let file = entry["file"] as? String,
        let torch = entry["torch_weights_only"] as? [String: Any],
        let message = torch["message"] as? String,
        let start = message.range(of: "GLOBAL ")?.upperBound
      else { return nil }
      let global = String(message[start...].prefix { !$0.isWhitespace })
      return (file, global.contains(".") ? global : "builtins." + global, message)
    }
  }()

  @Test func forbiddenGlobalCorpusIsPresent() {
    #expect(Self.forbiddenGlobalCases.count >= 8, "\(Self.forbiddenGlobalCases)")
    #expect(Self.forbiddenGlobalCases.contains { $0.file == "global_nn_linear_module.pt" })
  }

  @Test(
    "the weights-only policy refuses the global torch refuses, naming it in a structured field",
    arguments: forbiddenGlobalCases)
  func weightsOnlyPolicyNamesTheForbiddenGlobal(
    file: String, global: String, torchMessage: String
  ) throws {
    let url = Self.golden("malformed/\(file)")
    let error = #expect(throws: FormatError.self) {
      _ = try Checkpoint.load(contentsOf: url, policy: .weightsOnly)
    }
    #expect(error?.code == .forbiddenGlobal)
    #expect(error?.forbiddenGlobal?.qualifiedName == global, "\(error?.description ?? "")")
    // The trusted policy reads the same file without executing anything, and still says why
    // torch.load(weights_only=True) refuses it, in torch's words.
    let trusted = try Checkpoint.load(contentsOf: url, policy: .trusted)
    #expect(!trusted.weightsOnlyOK)
    #expect(
      trusted.weightsOnlyRefusal?.contains(torchMessage) == true,
      "\(trusted.weightsOnlyRefusal ?? "") vs \(torchMessage)")
  }

  @Test("only forbidden-global errors carry a global")
  func otherErrorsCarryNoGlobal() throws {
    let url = Self.golden("malformed/zip_bad_crc_data.pt")
    let error = #expect(throws: FormatError.self) { _ = try Checkpoint.load(contentsOf: url) }
    #expect(error?.code == .badCRC)
    #expect(error?.forbiddenGlobal == nil)
  }

  /// The interop files torch 2.13's plain `torch.save` wrote.
  ///
  /// They are zip archives named after their file (not whole modules): re-saving them must give
  /// torch.save's bytes exactly (as `make crosscheck` checks with torch itself). `big_endian.pt` (saved with a patched
  /// `sys.byteorder`), `deflated.pt` and `deflate_bomb_ramp.pt` (re-zipped by Python's zipfile) and
  /// `seq_mlp_cuda_tagged.pt` (a location tagger returning one shared string, which pickle then
  /// memoizes) are not plain torch.save output; Repro writes what torch.save writes for their
  /// values instead.
  static let torchIdentityFiles: [String] = {
    Corpus.interopCases().compactMap { c -> String? in
      guard c.folder == "interop",
        !["big_endian", "deflated", "deflate_bomb_ramp", "seq_mlp_cuda_tagged"].contains(c.name),
        let doc = try? c.expected(),
        (doc["torch"] as? String)?.hasPrefix("2.13") == true, doc["format"] as? String == "zip",
        doc["weights_only_ok"] as? Bool == true, doc["stored_as"] == nil,
        let file = doc["file"] as? String, doc["folder"] == nil
      else { return nil }
      return file
    }
  }()

  @Test func torchIdentityCorpusIsPresent() {
    #expect(Self.torchIdentityFiles.count >= 10, "\(Self.torchIdentityFiles)")
  }

  @Test(
    "write and serialized(format: .torch) give torch.save's bytes", arguments: torchIdentityFiles)
  func torchRoundTripIsByteIdentical(file: String) throws {
    let url = Self.golden("pytorch/interop/\(file)")
    let original = try [UInt8](Data(contentsOf: url))
    let checkpoint = try Checkpoint.load(contentsOf: url)
    let archive = try TorchFile.archiveName(forPath: file)
    #expect(checkpoint.archiveName == archive)
    #expect(try checkpoint.serialized(format: .torch, archiveName: archive) == original)
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent(file)
    try Checkpoint.write(checkpoint, to: out, format: .torch)
    #expect(try [UInt8](Data(contentsOf: out)) == original)
  }

  @Test(
    "write and serialized(format: .safetensors) give save_file's bytes",
    arguments: SafeTensorsCorpus.names)
  func safetensorsRoundTripIsByteIdentical(name: String) throws {
    let original = try SafeTensorsCorpus.bytes(name)
    let checkpoint = try Checkpoint.load(contentsOf: SafeTensorsCorpus.url(name))
    #expect(checkpoint.format == .safetensors)
    #expect(try checkpoint.serialized(format: .safetensors) == original)
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("\(name).safetensors")
    try Checkpoint.write(checkpoint, to: out, format: .safetensors)
    #expect(try [UInt8](Data(contentsOf: out)) == original)
  }

  @Test("the legacy format is read but never written, with a typed error")
  func legacyIsNotWritten() throws {
    let checkpoint = try Checkpoint.load(
      contentsOf: Self.golden("pytorch/interop/seq_mlp_legacy.pt"))
    #expect(!CheckpointFormat.torchLegacy.canWrite)
    let error = #expect(throws: FormatError.self) {
      _ = try checkpoint.serialized(format: .torchLegacy)
    }
    #expect(error?.code == .unsupported)
    let dir = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("legacy.pt")
    #expect(throws: FormatError.self) {
      try Checkpoint.write(checkpoint, to: out, format: .torchLegacy)
    }
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test("a file name picks the format to write")
  func formatForWriting() {
    #expect(CheckpointFormat(forWritingTo: "out/model.safetensors") == .safetensors)
    #expect(CheckpointFormat(forWritingTo: "model.pt") == .torch)
    #expect(CheckpointFormat(forWritingTo: "model.pth") == .torch)
  }
}
