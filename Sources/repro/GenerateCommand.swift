import ArgumentParser
import Foundation
import ReproCLI
import ReproFormat
import ReproNN

/// `repro generate`: a deterministic model file, identical to what PyTorch makes from the seed.
struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Build a model from a spec and a seed, exactly as PyTorch would, and save it.",
    discussion: """
      The recipe is torch.manual_seed(SEED), the spec's constructors (nn.Sequential(...) syntax \
      or a zoo name), a cast (.half(), .bfloat16(), .double(), .float()), a device tag \
      (.to(DEVICE)), then torch.save(model.state_dict(), FILE) (--mode state-dict) or \
      torch.save(model, FILE) (--mode module). torch files are byte-identical to PyTorch \
      2.13's; safetensors files are what safetensors.torch.save_file(model.state_dict()) \
      writes. The file is written atomically (temporary file, fsync, rename).

      Whole-module files need torch.load(FILE, weights_only=False). The zoo's simple model is \
      saved as __main__.SimpleModel, as the PyTorch guides' script saves it: loading it needs \
      that class defined in the loader's __main__. resnet18 has no torch.nn class and is \
      refused in module mode. Examples:
        repro generate --model 'Sequential(Linear(5, 7), ReLU())' --seed 0 -o m.pt
        repro generate --model resnet18 --seed 1 --dtype float16 -o r18.safetensors
      """)

  @Option(
    help: ArgumentHelp(
      "The model: a spec in PyTorch's constructor syntax or a zoo name (see --list-models).",
      valueName: "spec"))
  var model: String?

  @Option(
    parsing: .unconditional,
    help:
      "The seed, as torch.manual_seed takes it: an integer in [-2^63, 2^64); negative values wrap modulo 2^64."
  )
  var seed: Seed?

  @Option(help: "The dtype the model is cast to.")
  var dtype: FloatingDTypeChoice = .float32

  @Option(
    help: "The output format (default: safetensors for a .safetensors file, torch otherwise).")
  var to: CheckpointFormat?

  @Option(help: "Save the state dict or the whole module (torch format only).")
  var mode: ModelGeneration.Mode = .stateDict

  @Option(
    help: ArgumentHelp(
      "Tag every tensor with this device (cuda:0, mps, ...), as model.to(device) would; the bytes are unchanged.",
      valueName: "device"))
  var deviceTag: DeviceArgument?

  @Option(name: .shortAndLong, help: ArgumentHelp("The file to write.", valueName: "file"))
  var output: String?

  @Flag(help: "List the zoo models and the constructors a spec may use, then exit.")
  var listModels = false

  var target: CheckpointFormat { to ?? CheckpointFormat(forWritingTo: output ?? "") }

  func validate() throws {
    if listModels { return }
    guard let model else {
      throw ValidationError("Missing expected argument '--model <spec>' (see --list-models).")
    }
    guard seed != nil else { throw ValidationError("Missing expected argument '--seed <seed>'.") }
    guard output != nil else {
      throw ValidationError("Missing expected argument '--output <file>'.")
    }
    if mode == .module && target == .safetensors {
      throw ValidationError(
        "--mode module needs --to torch: safetensors stores named tensors only.")
    }
    do {
      _ = try ModelSpec(parsing: model)
    } catch {
      throw ValidationError(error.description)
    }
  }

  func run() throws {
    if listModels {
      print(ModelList.text)
      return
    }
    guard let model, let seed, let output else { throw ReproExit.usage }
    let generation: ModelGeneration
    let built: Module
    do {
      generation = try ModelGeneration(
        spec: model, seed: seed.value, dtype: dtype.dtype, device: deviceTag?.device ?? .cpu,
        mode: mode, format: target)
      built = try generation.makeModel()
    } catch {
      StandardError.print("repro: \(error)")
      throw ReproExit.usage
    }
    do {
      try generation.write(built, to: URL(fileURLWithPath: output))
    } catch {
      StandardError.report(error, file: output)
      throw (error as? FormatError)?.code == .io ? ReproExit.inputError : ReproExit.usage
    }
  }
}
