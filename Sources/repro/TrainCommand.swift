import ArgumentParser
import Foundation
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
      (+ "scaler"); --resume continues such a file to --steps, bit for bit as an uninterrupted run.
      """)

  /// The optimizers.
  enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable { case sgd, adam, adamw }

  /// Autocast dtypes.
  enum AMP: String, ExpressibleByArgument, CaseIterable { case float16, bfloat16 }

  @Option(help: "The model spec in PyTorch syntax or a zoo name (it must contain Linear layers).")
  var model: String

  @Option(help: "The seed given to the generator before construction (torch.manual_seed).")
  var seed: UInt64 = 0

  @Option(help: "The optimizer.")
  var optimizer: OptimizerChoice

  @Option(help: "Learning rate (default 0.001).")
  var lr: Double?

  @Option(help: "SGD momentum (default 0).")
  var momentum: Double?

  @Option(help: "Weight decay (default 0; AdamW 0.01).")
  var weightDecay: Double?

  @Option(help: "Adam/AdamW betas as b1,b2 (default 0.9,0.999).")
  var betas: String?

  @Option(help: "Adam/AdamW eps (default 1e-8).")
  var eps: Double?

  @Option(help: "Total optimizer steps (K).")
  var steps: Int

  @Option(help: "Seed of the data generator (D).")
  var dataSeed: UInt64

  @Option(help: "Rows per batch.")
  var batch = 8

  @Option(help: "Run forward and loss under CPU autocast in this dtype.")
  var amp: AMP?

  @Option(help: "Continue training from a file written by repro train.")
  var resume: String?

  @Option(name: .shortAndLong, help: "Where to write the result (torch zip).")
  var output: String

  func validate() throws {
    guard steps >= 0 else { throw ValidationError("--steps must be >= 0") }
    guard batch >= 1 else { throw ValidationError("--batch must be >= 1") }
    if let betas, parsedBetas(betas) == nil {
      throw ValidationError("--betas must be two numbers b1,b2, got '\(betas)'")
    }
  }

  func parsedBetas(_ text: String) -> (Double, Double)? {
    let parts = text.split(separator: ",").compactMap {
      Double($0.trimmingCharacters(in: .whitespaces))
    }
    return parts.count == 2 ? (parts[0], parts[1]) : nil
  }

  func run() throws {
    let recipe = TrainingRun(
      spec: model, seed: seed,
      optimizer: TrainingRun.OptimizerKind(rawValue: optimizer.rawValue) ?? .sgd, lr: lr,
      momentum: momentum, weightDecay: weightDecay,
      betas: betas.flatMap(parsedBetas), eps: eps, steps: steps, dataSeed: dataSeed, batch: batch,
      amp: amp.flatMap { DType(rawValue: $0.rawValue) })
    var resumed: PickleValue?
    if let resume {
      do {
        resumed = try Checkpoint.load(contentsOf: URL(fileURLWithPath: resume)).root
      } catch {
        reportError(error, file: resume)
        throw ReproExit.inputError
      }
    }
    let outcome: TrainingRun.Outcome
    do {
      outcome = try recipe.run(resumingFrom: resumed)
    } catch let e as ModelSpecError {
      throw ValidationError(e.description)
    } catch {
      reportError(error, file: model)
      throw ReproExit.inputError
    }
    do {
      try Checkpoint.write(
        Checkpoint(root: outcome.value), to: URL(fileURLWithPath: output), format: .torch)
    } catch {
      reportError(error, file: output)
      throw ReproExit.inputError
    }
    print("step \(steps): loss \(Scalar.pythonRepr(outcome.loss)) -> \(output)")
  }
}
