import Foundation
import ReproTestSupport
import Testing

/// `repro convert` end to end against the built binary and torch.save's own bytes.
@Suite struct ConvertCommandTests {
  @Test func convertReSavesTorchFilesByteIdentically() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    for name in ["seq_mlp_fp32.pt", "simple_sgd_checkpoint.pt", "all_dtypes.pt"] {
      // Same base name: torch names the archive's folder after the file.
      let out = dir.appendingPathComponent(name)
      let source = Repository.golden("pytorch/interop/\(name)")
      let r = try ReproBinary.run(["convert", source.path, out.path])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(
        try Data(contentsOf: out) == Data(contentsOf: source),
        "\(name) differs from torch.save's bytes")
    }
  }

  @Test func safetensorsConversionRefusesCheckpointsWithAClearMessage() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("x.safetensors")
    let input = Repository.golden("pytorch/interop/simple_sgd_checkpoint.pt").path
    let r = try ReproBinary.run(["convert", input, out.path])
    #expect(r.status == 2)
    // The message names the input (what is wrong is in it) and uses the right article.
    #expect(
      r.stderr
        == "repro: \(input): unsupported: safetensors holds only tensors, but 'epoch' is an int; convert a flat state dict instead\n",
      "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func safetensorsConversionNamesTheKindOfANestedValue() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = Repository.golden("pytorch/interop/mlp_adam_checkpoint.pt").path
    let r = try ReproBinary.run([
      "convert", input, dir.appendingPathComponent("x.safetensors").path,
    ])
    #expect(r.status == 2)
    #expect(r.stderr.hasPrefix("repro: \(input): "), "\(r.stderr)")
    #expect(r.stderr.contains("but 'model' is an OrderedDict;"), "\(r.stderr)")
  }

  /// Tied weights (Golden/pytorch/realworld/tied_gpt2.pt): deduplicated as
  /// safetensors.torch.save_model does (its file, byte for byte), and the dropped key is printed.
  @Test func safetensorsConversionDeduplicatesTiedWeightsLikeSaveModel() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("tied.safetensors")
    let r = try ReproBinary.run([
      "convert", Repository.golden("pytorch/realworld/tied_gpt2.pt").path, out.path,
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout
        == "dropped 'transformer.wte.weight': it shares memory with 'lm_head.weight' (recorded in __metadata__, as safetensors.torch.save_model does)\n"
    )
    let want = try Data(
      contentsOf: Repository.golden("pytorch/realworld/tied_gpt2.save_model.safetensors"))
    #expect(try Data(contentsOf: out) == want)
  }

  @Test func safetensorsConversionRefusesSharedViewsItCannotDeduplicate() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("v.safetensors")
    let input = Repository.golden("pytorch/interop/views_shared.pt").path
    let r = try ReproBinary.run(["convert", input, out.path])
    #expect(r.status == 2)
    #expect(
      r.stderr.contains(
        "\(input): invalidArgument: safetensors: tensors 'base', 'cols', 'expanded', 'flat', 'rows', 'scalar', 't' share memory"
      ), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func usageErrorsExitWith64() throws {
    let same = try ReproBinary.run(["convert", "a.pt", "a.pt"])
    #expect(same.status == 64)
    #expect(same.stderr.contains("IN and OUT are one file"))
  }

  /// IN and OUT are compared by identity (device and inode), not spelling.
  ///
  /// `./x.pt`, `sub/../x.pt`, a symbolic link and a hard link are all the input, and converting
  /// onto them is refused with 64, the input untouched. A copy is another file.
  @Test(arguments: [
    ("same.pt", "./same.pt"), ("./same.pt", "same.pt"), ("sub/../same.pt", "same.pt"),
    ("same.pt", "link.pt"), ("link.pt", "same.pt"), ("same.pt", "hard.pt"),
    ("same.pt", "sub/../link.pt"),
  ])
  func convertingAFileOntoItselfIsRefusedWhateverItsSpelling(input: String, output: String)
    throws
  {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let fm = FileManager.default
    let source = try Data(contentsOf: Repository.golden("pytorch/interop/seq_mlp_fp32.pt"))
    try source.write(to: dir.appendingPathComponent("same.pt"))
    try fm.createDirectory(
      at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
    try fm.createSymbolicLink(atPath: dir.path + "/link.pt", withDestinationPath: "same.pt")
    try fm.linkItem(atPath: dir.path + "/same.pt", toPath: dir.path + "/hard.pt")
    let r = try ReproBinary.run(
      ["convert", input, output, "--to", "safetensors"], currentDirectory: dir)
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr.contains("Error: IN and OUT are one file (device "), "\(r.stderr)")
    #expect(try Data(contentsOf: dir.appendingPathComponent("same.pt")) == source)
    let copy = try ReproBinary.run(
      ["convert", "same.pt", "other.safetensors"], currentDirectory: dir)
    #expect(copy.status == 0, "\(copy.stderr)")
  }

  /// File names that are not UTF-8 reach the system byte for byte: `inspect` finds
  /// `bad\xff.pt` (and prints its name with those bytes), `convert` writes `out\xfe.pt` (not `out\xef\xbf\xbd.pt`, U+FFFD), and an
  /// error names the file with its own bytes. (A shell makes the names: `Process` takes only
  /// `String` arguments.)
  @Test func fileNamesThatAreNotUTF8AreReadAndWrittenByteForByte() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let script = """
      set -e
      in=$(printf 'bad\\377.pt'); out=$(printf 'out\\376.pt'); missing=$(printf 'no\\377.pt')
      cp "$SRC" "$in"
      "$REPRO" inspect "$in" | head -n 1 | grep -c -F "$in: zip, 4 tensors"
      "$REPRO" convert "$in" "$out"
      test -f "$out"
      test ! -e "$(printf 'out\\357\\277\\275.pt')"
      ls | wc -l
      if "$REPRO" inspect "$missing" 2> err; then exit 9; fi
      grep -c -F "repro: $missing: io: cannot open $PWD/$missing: No such file" err
      """
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", script]
    p.currentDirectoryURL = dir
    p.environment = [
      "REPRO": try ReproBinary.url().path, "LC_ALL": "C", "PATH": "/usr/bin:/bin",
      "SRC": Repository.golden("pytorch/interop/seq_mlp_fp32.pt").path,
    ]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(text == "1\n2\n1\n", "\(text)")
  }

  /// A dtype outside the closed list is refused, never replaced by a default.
  @Test func unknownDTypeIsRefusedNotDefaulted() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("x.pt")
    let r = try ReproBinary.run([
      "convert", Repository.golden("pytorch/interop/seq_mlp_fp32.pt").path, out.path,
      "--dtype", "float8",
    ])
    #expect(r.status == 64)
    let choices = [
      "float32", "float16", "bfloat16", "float64", "float8_e4m3fn", "float8_e5m2",
      "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu",
    ]
    #expect(
      r.stderr.contains(
        "Error: The value 'float8' is invalid for '--dtype <dtype>'. Please provide one of the following:\n"
          + choices.map { "  - \($0)\n" }.joined()
      ), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  /// convert --dtype float16 casts as tensor.half() does: the result equals torch's own fp16 file.
  @Test func castToFloat16EqualsTorchHalf() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-convert")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("half.pt")
    let r = try ReproBinary.run([
      "convert", Repository.golden("pytorch/interop/seq_mlp_fp32.pt").path, out.path, "--dtype",
      "float16",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let ours = try ReproBinary.run(["inspect", out.path, "--json"])
    let theirs = try TestJSON.object(golden: "pytorch/interop/seq_mlp_fp16.expected.json")
    let a =
      try TestJSON.object(parsing: Data(ours.stdout.utf8))["entries"] as? [[String: Any]] ?? []
    let b = theirs["entries"] as? [[String: Any]] ?? []
    #expect(!a.isEmpty)
    #expect(a.map { $0["sha256"] as? String } == b.map { $0["sha256"] as? String })
    #expect(a.map { $0["dtype"] as? String } == b.map { $0["dtype"] as? String })
  }

  @Test func outputFormatChoicesAreTheWritableFormats() throws {
    let input = Repository.golden("pytorch/interop/seq_mlp_fp32.pt").path
    let legacy = try ReproBinary.run(["convert", input, "x.pt", "--to", "legacy"])
    #expect(legacy.status == 64)
    #expect(
      legacy.stderr.contains(
        "The value 'legacy' is invalid for '--to <to>'. Please provide one of 'torch', 'safetensors', 'sharded-safetensors' or 'sharded-torch'."
      ), "\(legacy.stderr)")
  }
}
