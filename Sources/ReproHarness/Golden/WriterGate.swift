public import Foundation
import ReproFormat
import ReproTensor

/// The format regression gate: every file of the PyTorch-made interop corpus is loaded and
/// written again by Repro (torch zip, and safetensors for flat state dicts); the exact bytes of
/// each written file are kept as golden documents in `Golden/writer/`.
///
/// A change in the writer
/// (one opcode, one header field) changes a record's sha256 and fails the gate with the record
/// named; `repro diff` then shows where the bytes diverge.
public enum WriterGate {
  /// The golden suite's folder name.
  public static let suite = "writer"

  /// One file the gate writes.
  public struct Item: Sendable {
    /// The golden's name (`seq_mlp_fp32.torch`).
    public var name: String
    /// The bytes Repro wrote.
    public var bytes: [UInt8]
  }

  /// Writes every gate file from the corpus under `goldenRoot/pytorch/interop`.
  ///
  /// - Throws: `FormatError` if a corpus file cannot be read or written (itself a failure).
  public static func items(goldenRoot: URL) throws -> [Item] {
    let dir = goldenRoot.appendingPathComponent("pytorch/interop")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    var out: [Item] = []
    for file in names where file.hasSuffix(".pt") || file.hasSuffix(".pth") {
      let stem = (file as NSString).deletingPathExtension
      let checkpoint = try Checkpoint.load(
        contentsOf: dir.appendingPathComponent(file), policy: .trusted)
      let archive = try TorchFile.archiveName(forPath: file)
      out.append(
        Item(
          name: stem + ".torch",
          bytes: try checkpoint.serialized(format: .torch, archiveName: archive)))
      if let bytes = try? checkpoint.serialized(format: .safetensors) {
        out.append(Item(name: stem + ".safetensors", bytes: bytes))
      }
    }
    return out
  }

  /// Checks (or records) every gate file; returns each name with its outcome.
  public static func check(store: GoldenStore) throws -> [(
    name: String, outcome: GoldenStore.Outcome
  )] {
    try items(goldenRoot: store.root).map { item in
      (
        item.name,
        try store.check(WrittenFileDocument(bytes: item.bytes), suite: suite, name: item.name)
      )
    }
  }
}
