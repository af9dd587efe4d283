import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

/// `repro train --model "gpt(...)"`: the language-model recipe from the command line ends where
/// PyTorch's own loop ends (Golden/pytorch/transformer/train, Scripts/make_transformer_goldens.py)
/// and `--resume` continues a file to the same bytes as an uninterrupted run.
@Suite struct TrainLanguageModelCommandTests {
  static let gpt = "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)"
  static let arguments = [
    "train", "--model", gpt, "--optimizer", "adamw", "--lr", "0.001", "--weight-decay", "0.1",
    "--betas", "0.9,0.95", "--seq-len", "16", "--batch", "4", "--seed", "0", "--data-seed", "1",
  ]

  @Test func gptAdamWEndsWithin1e5OfPyTorch() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-train-lm")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.pt")
    let r = try ReproBinary.run(Self.arguments + ["--steps", "6", "-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let root = try Checkpoint.load(contentsOf: out).root
    let golden = try Checkpoint.load(
      contentsOf: Repository.golden("pytorch/transformer/train/lm_00_adamw.pt"), policy: .trusted
    ).root
    let want = try #require(golden["model"]?.pairs)
    let got = try #require(root["model"]?.pairs)
    #expect(got.map { $0.key.string } == want.map { $0.key.string })
    for (a, b) in zip(got, want) {
      let x = try #require(a.value.tensor).doubles()
      let y = try #require(b.value.tensor).doubles()
      let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-5, "\(a.key.string ?? ""): off by \(worst)")
    }
    let losses = try #require(golden["losses"]?.tensor).doubles()
    let loss = try #require(root["loss"]?.double)
    #expect(abs(loss - losses[5]) <= 1e-5)
  }

  @Test func resumeGivesTheUninterruptedFileByteForByte() throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-train-lm-resume")
    defer { try? FileManager.default.removeItem(at: dir) }
    let (whole, half, resumed) = (
      dir.appendingPathComponent("whole.pt"), dir.appendingPathComponent("half.pt"),
      dir.appendingPathComponent("resumed.pt")
    )
    #expect(try ReproBinary.run(Self.arguments + ["--steps", "4", "-o", whole.path]).status == 0)
    #expect(try ReproBinary.run(Self.arguments + ["--steps", "2", "-o", half.path]).status == 0)
    let r = try ReproBinary.run(
      Self.arguments + ["--steps", "4", "--resume", half.path, "-o", resumed.path])
    #expect(r.status == 0, "\(r.stderr)")
    // The archive folder inside a torch file is named after the file: compare the records.
    let a = try Checkpoint.load(contentsOf: whole).root
    let b = try Checkpoint.load(contentsOf: resumed).root
    let bytesA = try Checkpoint(root: a).serialized(format: .torch, archiveName: "x")
    let bytesB = try Checkpoint(root: b).serialized(format: .torch, archiveName: "x")
    #expect(bytesA == bytesB)
  }

  @Test func seqLenOnARandnModelIsAUsageError() throws {
    let r = try ReproBinary.run([
      "train", "--model", "mlp", "--optimizer", "sgd", "--steps", "1", "--data-seed", "0",
      "--seq-len", "4", "-o", "/tmp/unused.pt",
    ])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--seq-len 4 applies to models whose input is token ids"))
  }
}
