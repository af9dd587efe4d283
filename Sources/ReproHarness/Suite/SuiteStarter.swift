public import Foundation
import ReproFormat
import ReproTensor

/// The starter `repro.toml` that `repro suite init [FILES…]` writes: for each checkpoint a
/// `[[golden]]` entry and a `[[roundtrip]]` entry with formats and dtypes fitting the file, and
/// a commented `[[compare]]` example.
///
/// Each file is read (nothing is executed) to sniff its format, its tensors' dtypes and whether
/// it is a flat state dict, a nested checkpoint or a whole-model file.
///
/// ```swift
/// let text = try SuiteStarter.text(for: [URL(fileURLWithPath: "model.pt")], writtenTo: toml)
/// try SuiteStarter.write(files: [URL(fileURLWithPath: "model.pt")], to: toml, overwriting: false)
/// ```
public enum SuiteStarter {
  /// What the starter says about one file.
  struct Sniffed {
    var path: String
    var summary: String
    var formats: [String]
    var dtypes: [String]
    var needsTrust: Bool
  }

  /// The starter file's text for these checkpoints, with paths relative to `output`'s folder.
  ///
  /// - Throws: `HarnessError.Code.io` naming a file that cannot be read as a checkpoint.
  public static func text(for files: [URL], writtenTo output: URL) throws(HarnessError) -> String {
    let folder = output.deletingLastPathComponent()
    var sniffed: [Sniffed] = []
    for file in files { sniffed.append(try sniff(file, relativeTo: folder)) }
    var lines = [
      "# A Repro suite: run it with `repro run --suite \(output.lastPathComponent)`.",
      "# Paths are relative to this file. The first run records the goldens (REPRO_RECORD=missing)",
      "# and still fails, so nothing passes silently: run again, then commit the golden folder.",
      "# Under CI=true nothing is recorded and a missing golden fails. Every key is listed in the",
      "# README's \"Suite files\" section.",
      "",
      "golden_dir = \"golden\"                 # this suite's golden folder",
    ]
    for s in sniffed {
      lines += [
        "", "# \(s.path): \(s.summary)",
        "# It must keep matching its recorded inventory (every tensor's dtype, shape, sha256).",
        "[[golden]]",
        "name = \(quoted("\(s.path) unchanged"))",
        "file = \(quoted(s.path))",
      ]
      if s.needsTrust { lines.append("trust = true                          # a whole-model file") }
      lines += [
        "",
        "# Saved and reloaded by Repro: same-dtype trips bitwise, casts within tolerance.",
        "[[roundtrip]]",
        "name = \(quoted("\(s.path) round trips"))",
        "checkpoint = \(quoted(s.path))",
        "formats = \(list(s.formats))",
      ]
      if !s.dtypes.isEmpty { lines.append("dtypes = \(list(s.dtypes))") }
      if s.needsTrust { lines.append("trust = true") }
    }
    let reference = sniffed.first?.path ?? "model.pt"
    let stem = (reference as NSString).deletingPathExtension
    lines += [
      "",
      "# Reference vs candidate, key by key, as `repro compare`:",
      "# [[compare]]",
      "# name = \"fp16 export stays close\"",
      "# reference = \(quoted(reference))",
      "# candidate = \(quoted(stem + ".fp16.safetensors"))",
      "# strip_prefix = \"module.\"",
      "# Also: add_prefix, rename, rtol, atol, max_ulp, bitwise, equal_nan, strict_dtype, only,",
      "# ignore, mmap, map_location, trust.",
      "",
      "# Your architecture from a seed, as PyTorch builds it (the golden: each tensor's sha256):",
      "# [[generate]]",
      "# model = \"Sequential(Linear(4, 8), ReLU(), Linear(8, 2))\"",
      "# seeds = [0, 1]",
      "# dtypes = [\"float32\", \"bfloat16\"]",
      "",
    ]
    return lines.joined(separator: "\n")
  }

  /// Writes the starter file.
  ///
  /// - Parameters:
  ///   - files: the checkpoints.
  ///   - output: the suite file to write.
  ///   - overwriting: replace an existing file (`--force`).
  /// - Throws: `HarnessError.Code.io` when `output` exists and `overwriting` is false, or when a
  ///   file cannot be read or the output written.
  public static func write(files: [URL], to output: URL, overwriting: Bool) throws(HarnessError) {
    if !overwriting && FileManager.default.fileExists(atPath: output.path) {
      throw HarnessError(
        .io, "\(output.relativePath) exists; --force overwrites it")
    }
    let text = try text(for: files, writtenTo: output)
    do {
      try Data(text.utf8).write(to: output, options: .atomic)
    } catch {
      throw HarnessError(.io, "\(output.relativePath): cannot write the suite file", cause: error)
    }
  }

  static func sniff(_ file: URL, relativeTo folder: URL) throws(HarnessError) -> Sniffed {
    let checkpoint: Checkpoint
    do {
      checkpoint = try Checkpoint.load(contentsOf: file, policy: .trusted)
    } catch {
      throw HarnessError(.io, "\(file.relativePath): cannot read it as a checkpoint", cause: error)
    }
    let tensors = checkpoint.tensors
    var counts: [DType: Int] = [:]
    for t in tensors where t.dtype.isFloatingPoint && !t.dtype.isComplex {
      counts[t.dtype, default: 0] += 1
    }
    // The most common floating dtype (ties: the first name), then the usual casts from it.
    let main = counts.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }.first?
      .key
    var dtypes: [String] = []
    if let main, Suite.modelDtypes.contains(main.pytorchName) {
      dtypes = [main.pytorchName] + (main == .float32 ? ["float16", "bfloat16"] : ["float32"])
    }
    let needsTrust = !checkpoint.weightsOnlyOK
    let isFlat = (try? checkpoint.flatTensors()) != nil
    let shape = needsTrust ? "whole-model file" : isFlat ? "state dict" : "nested checkpoint"
    let kinds = counts.keys.map(\.pytorchName).sorted().joined(separator: ", ")
    let summary =
      "\(checkpoint.format.rawValue), \(tensors.count) tensors\(kinds.isEmpty ? "" : " (\(kinds))"), \(shape)"
    return Sniffed(
      path: relativePath(of: file, from: folder), summary: summary,
      formats: needsTrust ? ["torch"] : ["torch", "safetensors"], dtypes: dtypes,
      needsTrust: needsTrust)
  }

  /// `file`'s path relative to `folder` (`../models/a.pt`).
  static func relativePath(of file: URL, from folder: URL) -> String {
    let a = file.standardizedFileURL.pathComponents
    let b = folder.standardizedFileURL.pathComponents
    var common = 0
    while common < min(a.count, b.count) && a[common] == b[common] { common += 1 }
    let up = Array(repeating: "..", count: b.count - common)
    return (up + a[common...]).joined(separator: "/")
  }

  static func quoted(_ s: String) -> String {
    "\""
      + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      + "\""
  }

  static func list(_ items: [String]) -> String {
    "[" + items.map(quoted).joined(separator: ", ") + "]"
  }
}
