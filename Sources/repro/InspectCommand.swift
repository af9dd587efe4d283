import ArgumentParser
import ReproCLI
import ReproFormat

/// `repro inspect`: list every value reachable in a checkpoint file.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract:
      "List every tensor and value in a .pt/.pth (zip or legacy), safetensors or TorchScript file, a sharded checkpoint or a DCP folder.",
    discussion: """
      Reads the file without executing anything. Paths join dict keys and list indices with '/'. \
      --json prints {"format", "weights_only_ok", "entries"} in the contract of the interop \
      corpus (Golden/pytorch/interop/*.expected.json): for tensors dtype, shape, stride, \
      storage_offset, device (as written in the file unless --map-location), requires_grad, \
      parameter, sha256 of the contiguous little-endian bytes and the first 4 values. Containers \
      are read as one state dict: shards in sorted file-name order (format sharded-safetensors or \
      sharded-torch), a TorchScript archive as torch.jit.load(f).state_dict() (torchscript), a DCP \
      folder as dcp_to_torch_save writes it (dcp).
      """)

  @Argument(
    help:
      "The checkpoint: a file, a Hugging Face shard index (*.index.json) or its folder, or a torch.distributed.checkpoint folder."
  )
  var file: String

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  @OptionGroup var load: LoadOptions

  func run() throws {
    let checkpoint: Checkpoint
    do {
      // Every tensor is hashed: the stored records are hashed in the pass that checks them.
      checkpoint = try load.loadForReading(file, hashingRecords: true)
    } catch {
      StandardError.report(error, file: file)
      // Suggest --trust only for whole-model files (torch.nn classes), never for a file that
      // names os.system and the like.
      if let global = error.forbiddenGlobal, global.qualifiedName.hasPrefix("torch.nn.") {
        StandardError.print(
          "repro: the file needs classes outside the weights-only allowlist (a whole-model file?); pass --trust to read them as opaque objects"
        )
      }
      throw ReproExit.inputError
    }
    let inventory = Inventory(of: checkpoint)
    if json {
      print(inventory.jsonText())
    } else {
      StandardOutput.print(InspectTable(inventory: inventory, file: file).render())
    }
  }
}
