import ArgumentParser
import Foundation
import ReproCLI
import ReproFormat
import ReproNN
import ReproTensor

/// `repro train`: the training recipe, comparable step for step with PyTorch.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract:
      "Train a model with PyTorch's recipe (randn data from --data-seed, MSE loss) and save the result.",
    discussion: """
      The loop is exactly: torch.manual_seed(SEED); model = SPEC; g = torch.Generator().manual_seed(D); \
      each step x = randn(batch, in, generator=g), y = randn(batch, out, generator=g), zero_grad, \
      loss = ((model(x) - y) ** 2).mean(), backward, step. --amp runs forward and loss under CPU \
      autocast (float16 adds a GradScaler). The file holds {"model", "optimizer", "step", "loss"} \
      (+ "scaler"); --resume continues such a file to --steps, bit for bit as an uninterrupted run. \
      Options left out take the optimizer's PyTorch default. A model whose input is token ids \
      (gpt(...), or a spec starting with Embedding) trains on x, y = randint(0, vocab, (batch, T), \
      generator=g) with loss = F.cross_entropy(logits.view(-1, vocab), y.view(-1)) (--seq-len T), \
      and AdamW gets nanoGPT's two groups (2-D weights decayed by --weight-decay, the rest 0.0).
      """)

  @Option(help: "The model spec in PyTorch syntax or a zoo name (it must contain Linear layers).")
  var model: String

  @Option(
    parsing: .unconditional,
    help:
      "The seed given to the generator before construction (torch.manual_seed): an integer in [-2^63, 2^64); negative values wrap modulo 2^64."
  )
  var seed = Seed(0)

  @Option(help: "The optimizer (torch.optim.SGD, Adam or AdamW).")
  var optimizer: TrainingRun.OptimizerKind

  @Option(help: "Learning rate (default 0.001).")
  var lr: Double?

  @Option(help: "SGD momentum (default 0).")
  var momentum: Double?

  @Option(help: "SGD dampening of the momentum (default 0).")
  var dampening: Double?

  @Flag(help: "SGD Nesterov momentum (needs --momentum above 0 and no dampening).")
  var nesterov = false

  @Option(help: "Weight decay (default 0; AdamW 0.01).")
  var weightDecay: Double?

  @Option(help: ArgumentHelp("Adam/AdamW betas (default 0.9,0.999).", valueName: "b1,b2"))
  var betas: BetasArgument?

  @Option(help: "Adam/AdamW eps (default 1e-8).")
  var eps: Double?

  @Flag(help: "Adam/AdamW AMSGrad: use the maximum of the second moment.")
  var amsgrad = false

  @Flag(help: "Maximise the objective instead of minimising it (every optimizer).")
  var maximize = false

  @Option(help: "Total optimizer steps (K).")
  var steps: Int

  @Option(
    parsing: .unconditional,
    help:
      "Seed of the data generator (D), as torch.Generator().manual_seed takes it; negative values wrap modulo 2^64."
  )
  var dataSeed: Seed

  @Option(help: "Rows per batch.")
  var batch = 8

  @Option(
    help:
      "Tokens per sequence (T) for models whose input is token ids (gpt, a spec starting with Embedding): x and y are randint(0, vocab, (batch, T)) and the loss is cross-entropy; default: gpt's block_size."
  )
  var seqLen: Int?

  @Option(help: "Run forward and loss under CPU autocast in this dtype.")
  var amp: AutocastDTypeChoice?

  @Option(help: "Continue training from a file written by repro train.")
  var resume: String?

  @Option(name: .shortAndLong, help: "Where to write the result (torch zip).")
  var output: String

  func validate() throws {
    guard steps >= 0 else { throw ValidationError("--steps must be >= 0") }
    guard batch >= 1 else { throw ValidationError("--batch must be >= 1") }
    if let seqLen, seqLen < 1 { throw ValidationError("--seq-len must be >= 1") }
    if optimizer != .sgd {
      for (flag, isSet) in [
        ("--momentum", momentum != nil), ("--dampening", dampening != nil),
        ("--nesterov", nesterov),
      ] where isSet {
        throw ValidationError("\(flag) applies to --optimizer sgd, not \(optimizer.rawValue)")
      }
    } else {
      for (flag, isSet) in [
        ("--betas", betas != nil), ("--eps", eps != nil), ("--amsgrad", amsgrad),
      ] where isSet {
        throw ValidationError("\(flag) applies to --optimizer adam or adamw, not sgd")
      }
    }
  }

  func run() throws {
    let recipe = TrainingRun(
      spec: model, seed: seed.value, optimizer: optimizer, lr: lr, momentum: momentum,
      dampening: dampening, nesterov: nesterov, weightDecay: weightDecay, betas: betas?.betas,
      eps: eps, amsgrad: amsgrad, maximize: maximize, steps: steps, dataSeed: dataSeed.value,
      batch: batch, amp: amp?.dtype, seqLen: seqLen)
    var resumed: PickleValue?
    if let resume {
      do {
        resumed = try Checkpoint.load(contentsOf: URL(fileURLWithPath: resume)).root
      } catch {
        StandardError.report(error, file: resume)
        throw ReproExit.inputError
      }
    }
    let outcome: TrainingRun.Outcome
    do {
      outcome = try recipe.run(resumingFrom: resumed)
    } catch let e as NNError where e.code == .invalidSpec || e.code == .invalidArgument {
      throw ValidationError(e.description)
    } catch {
      StandardError.report(error, file: resume ?? model)
      throw ReproExit.inputError
    }
    do {
      try Checkpoint.write(
        Checkpoint(root: outcome.value), to: URL(fileURLWithPath: output), format: .torch)
    } catch {
      StandardError.report(error, file: output)
      throw ReproExit.inputError
    }
    print("step \(steps): loss \(Scalar.pythonRepr(outcome.loss)) -> \(output)")
  }
}
