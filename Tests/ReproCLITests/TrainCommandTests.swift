import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

/// `repro train` end to end: every recipe of Golden/pytorch/train/recipes.json
/// (Scripts/make_train_goldens.py, torch 2.13), spelled as command-line options, ends with
/// PyTorch's parameters and loss.
@Suite struct TrainCommandTests {
  /// One recipe as the script ran it, spelled as a command line.
  @dynamicMemberLookup
  struct Recipe: Sendable, CustomTestStringConvertible {
    var golden: TrainRecipeGolden
    subscript<T>(dynamicMember path: KeyPath<TrainRecipeGolden, T>) -> T { golden[keyPath: path] }
    var testDescription: String { arguments.dropFirst(3).joined(separator: " ") }

    /// The command line that asks for this recipe.
    var arguments: [String] {
      let args = golden.args
      var a = [
        "train", "--model", golden.spec, "--optimizer", golden.optimizer, "--seed",
        String(golden.seed), "--data-seed", String(golden.dataSeed), "--steps",
        String(golden.steps), "--batch", String(golden.batch),
      ]
      let numbers: [(String, Double?)] = [
        ("--lr", args.lr), ("--momentum", args.momentum), ("--dampening", args.dampening),
        ("--weight-decay", args.weightDecay), ("--eps", args.eps),
      ]
      for case (let flag, let value?) in numbers { a += [flag, String(value)] }
      if let betas = args.betas {
        a += ["--betas", betas.map { String($0) }.joined(separator: ",")]
      }
      if args.nesterov == true { a.append("--nesterov") }
      if args.amsgrad == true { a.append("--amsgrad") }
      if args.maximize == true { a.append("--maximize") }
      if let amp = golden.amp { a += ["--amp", amp] }
      return a
    }
  }

  static let recipes: [Recipe] = ((try? TrainRecipeGolden.all()) ?? []).map(Recipe.init)

  @Test func everyOptionIsExercised() {
    #expect(Self.recipes.count == 12)
    let all = Self.recipes.flatMap(\.arguments)
    for flag in [
      "--lr", "--momentum", "--dampening", "--nesterov", "--weight-decay", "--betas", "--eps",
      "--amsgrad", "--maximize", "--amp",
    ] {
      #expect(all.contains(flag), "no recipe uses \(flag)")
    }
    #expect(Self.recipes.contains { $0.seed < 0 && $0.dataSeed < 0 })
  }

  @Test(arguments: recipes)
  func trainEndsWithPyTorchsParameters(_ recipe: Recipe) throws {
    let dir = try Repository.makeTemporaryFolder(prefix: "repro-train")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out.pt")
    let r = try ReproBinary.run(recipe.arguments + ["-o", out.path])
    #expect(r.status == 0, "\(r.stderr)")
    let root = try Checkpoint.load(contentsOf: out).root
    let model = try #require(root["model"]?.pairs)
    #expect(model.count == recipe.params.count)
    for pair in model {
      let key = try #require(pair.key.string)
      let tensor = try #require(pair.value.tensor)
      let want = try #require(recipe.params[key], "\(key) not in the golden")
      let got = tensor.toArray(of: Float.self).map(Double.init)
      #expect(got.count == want.count, "\(key)")
      let worst = zip(got, want).map { abs($0 - $1) - 1e-5 * abs($1) }.max() ?? 0
      #expect(worst <= 1e-6, "\(key): off by \(worst) beyond 1e-5 relative")
    }
    let loss = try #require(root["loss"]?.double)
    #expect(
      abs(loss - recipe.loss) <= 1e-6 + 1e-5 * abs(recipe.loss), "loss \(loss) vs \(recipe.loss)")
    #expect(r.stdout.hasPrefix("step \(recipe.steps): loss "))
  }

  @Test func optionsOfAnotherOptimizerAreUsageErrors() throws {
    for (optimizer, extra) in [
      ("adam", ["--momentum", "0.9"]), ("adamw", ["--nesterov"]), ("sgd", ["--amsgrad"]),
      ("sgd", ["--betas", "0.9,0.99"]),
    ] {
      let r = try ReproBinary.run(
        [
          "train", "--model", "mlp", "--optimizer", optimizer, "--steps", "1", "--data-seed", "0",
          "-o", "/tmp/unused.pt",
        ] + extra)
      #expect(r.status == 64, "\(optimizer) \(extra)")
      #expect(r.stderr.contains("\(extra[0]) applies to --optimizer"), "\(r.stderr)")
    }
  }

  /// PyTorch's own refusal (torch.optim.SGD raises ValueError) is a usage error with its message.
  @Test func nesterovWithoutMomentumIsRefusedWithPyTorchsMessage() throws {
    let r = try ReproBinary.run([
      "train", "--model", "mlp", "--optimizer", "sgd", "--nesterov", "--steps", "1",
      "--data-seed", "0", "-o", "/tmp/unused.pt",
    ])
    #expect(r.status == 64)
    #expect(
      r.stderr.contains("Nesterov momentum requires a momentum and zero dampening"), "\(r.stderr)")
  }

  @Test func unknownOptimizerAndAutocastDTypeAreRefused() throws {
    for (option, value, other) in [
      ("--optimizer", "rmsprop", ["--amp", "bfloat16"]),
      ("--amp", "float32", ["--optimizer", "sgd"]),
    ] {
      let r = try ReproBinary.run(
        [
          "train", "--model", "mlp", "--steps", "1", "--data-seed", "0", "-o", "/tmp/unused.pt",
          option, value,
        ] + other)
      #expect(r.status == 64, "\(option) \(value)")
      #expect(
        r.stderr.contains("Error: The value '\(value)' is invalid for '\(option) <"), "\(r.stderr)")
    }
  }
}
