import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// The transformer layers and `gpt(...)` generate what `torch.manual_seed(s)` + PyTorch 2.13's
/// constructors + cast + `torch.save(model.state_dict())` write, byte for byte
/// (Scripts/make_transformer_goldens.py: 13 specs × 3 seeds × 4 dtypes).
@Suite struct TransformerInitTests {
  static let folder = Repository.golden("pytorch/transformer/init")

  @Test(arguments: try ModuleOracle.all(in: folder))
  func stateDictFileIsByteIdenticalToTorchSave(oracle: ModuleOracle) throws {
    let generation = try oracle.generation()
    let model = try generation.makeModel()
    let bytes = try generation.serialized(model, archiveName: oracle.name)
    #expect(bytes.count == oracle.size)
    #expect(SHA256Digest.hex(of: bytes) == oracle.sha256)
    if let file = oracle.file, SHA256Digest.hex(of: bytes) != oracle.sha256 {
      let torch = try Checkpoint.load(
        contentsOf: Self.folder.appendingPathComponent(file), policy: .trusted)
      let ours = model.stateDict()
      for e in try StateDict(torch.root).entries
      where ours[e.key].map({ !$0.bytesEqual(e.tensor) }) ?? true {
        Issue.record("\(e.key) differs from torch.save's \(file)")
      }
    }
  }

  @Test func gptStateDictHasNanoGPTKeysAndOneTiedStorage() throws {
    let model = try ModelFactory.make(
      "gpt(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32)",
      generator: Generator(seed: UInt64(0)))
    let sd = model.stateDict()
    let block0 = [
      "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
      "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
      "mlp.c_proj.weight", "mlp.c_proj.bias",
    ]
    #expect(
      sd.keys
        == ["transformer.wte.weight", "transformer.wpe.weight"]
        + block0.map { "transformer.h.0.\($0)" } + block0.map { "transformer.h.1.\($0)" }
        + ["transformer.ln_f.weight", "transformer.ln_f.bias", "lm_head.weight"])
    let wte = try #require(sd["transformer.wte.weight"])
    let head = try #require(sd["lm_head.weight"])
    #expect(wte.storage === head.storage)
    #expect(model.parameters().count == sd.keys.count - 1)
    model.cast(to: .bfloat16)
    let cast = model.stateDict()
    #expect(cast["transformer.wte.weight"]?.storage === cast["lm_head.weight"]?.storage)
    #expect(cast["lm_head.weight"]?.dtype == .bfloat16)
    let pickled = try Pickler.pickle(model.stateDictValue())
    #expect(pickled.storages.count == sd.keys.count - 1)
  }

  @Test func gptReinitialisesWithNanoGPTStandardDeviations() throws {
    let model = try ModelFactory.make(
      "gpt(64, 16, 2, 2, 32)", generator: Generator(seed: UInt64(1)))
    let sd = model.stateDict()
    func std(_ key: String) throws -> Double {
      let t = try #require(sd[key]).to(.float64)
      let v = (0..<t.count).map { t.scalar(atStorageIndex: $0).doubleValue }
      let mean = v.reduce(0, +) / Double(v.count)
      return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
    }
    #expect(abs(try std("transformer.h.0.mlp.c_fc.weight") - 0.02) < 0.002)
    #expect(abs(try std("transformer.h.1.mlp.c_proj.weight") - 0.01) < 0.001)
    #expect(try std("transformer.h.0.attn.c_attn.bias") == 0)
  }

  @Test(arguments: [
    ("Embedding(4, 2, padding_idx=4)", "Padding_idx must be within num_embeddings"),
    ("MultiheadAttention(6, 4)", "embed_dim must be divisible by num_heads"),
    ("MultiheadAttention(0, 1)", "embed_dim and num_heads must be greater than 0"),
    ("GELU(approximate='erf')", "approximate argument must be either none or tanh"),
    ("TransformerEncoderLayer(8, 2, activation='silu')", "activation should be relu/gelu"),
    ("TransformerEncoderLayer(8, 2, dropout=1.5)", "dropout probability has to be between 0 and 1"),
    ("gpt(64, 16, 2, 3, 32)", "n_embd (32) must be divisible by n_head (3)"),
    ("gpt(64, 16, 2, 2)", "missing 1 required positional argument: 'n_embd'"),
    ("LayerNorm((2, 'a'))", "must be an int or a tuple of ints"),
  ])
  func specErrorsNameTheConstructorAndTheProblem(spec: String, message: String) {
    #expect {
      _ = try ModelFactory.make(spec, generator: Generator(seed: UInt64(0)))
    } throws: { error in
      "\(error)".contains(message)
    }
  }
}
