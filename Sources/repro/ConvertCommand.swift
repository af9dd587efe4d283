import ArgumentParser
import Foundation
import ReproCLI
import ReproFormat

/// `repro convert`: re-save a checkpoint in another format, precision or key layout.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract:
      "Convert a checkpoint between torch (.pt/.pth) and safetensors, dtypes and key prefixes.",
    discussion: """
      Reads IN (zip, legacy or safetensors), applies --map-location, --dtype and the prefix \
      options, and writes OUT atomically (a temporary file renamed over OUT). torch output is \
      what torch.save writes for the same object; safetensors output is what \
      safetensors.torch.save_file writes and needs a flat name → tensor dict. Tensors that \
      share memory (tied weights) are deduplicated as safetensors.torch.save_model does: the \
      first name in sorted order that covers the whole storage is kept, the others are dropped \
      (each is printed) and recorded in __metadata__ as {dropped: kept}; where save_model would \
      refuse, convert refuses and names the shared keys. IN may also be a sharded \
      checkpoint (its *.index.json or its folder), a torch.distributed.checkpoint folder \
      or a TorchScript archive (read as its state dict). With --max-shard-size (or --to \
      sharded-safetensors / sharded-torch, 5GB shards), OUT is a folder and the state dict is \
      written as huggingface_hub.save_torch_state_dict(state_dict, OUT, max_shard_size=SIZE) \
      writes it: safetensors shards (torch shards with --to torch or sharded-torch) and, for \
      more than one shard, the index.
      """)

  @Argument(
    help:
      "The checkpoint to read: a file, a shard index or its folder, or a torch.distributed.checkpoint folder."
  )
  var input: String

  @Argument(help: "The file to write.")
  var output: String

  @Option(help: "The output format (default: safetensors for a .safetensors OUT, torch otherwise).")
  var to: CheckpointFormat?

  @Option(help: "Cast every floating-point tensor to this dtype, as tensor.to(dtype) does.")
  var dtype: CastDTypeChoice?

  @Option(
    help: ArgumentHelp(
      "Remove this prefix from state-dict keys (e.g. module. left by DataParallel).",
      valueName: "prefix"))
  var stripPrefix: String?

  @Option(help: ArgumentHelp("Add this prefix to every state-dict key.", valueName: "prefix"))
  var addPrefix: String?

  @Option(
    help: ArgumentHelp(
      "Write OUT as a folder of Hugging Face shards of at most this size (bytes, or with KB/MB/GB/TB = powers of 1000, as huggingface_hub's max_shard_size).",
      valueName: "size"))
  var maxShardSize: String?

  @OptionGroup var load: LoadOptions

  func validate() throws {
    if input == output || FileIdentity.sameFile(input, output) {
      throw ValidationError(
        "IN and OUT are one file (\(FileIdentity(path: output).map(String.init(describing:)) ?? "the same path")): converting a file onto itself would replace the input; write to another file, then rename it"
      )
    }
    if let maxShardSize {
      do {
        _ = try ShardedCheckpoint.parseSize(maxShardSize)
      } catch {
        throw ValidationError("--max-shard-size: \(error.message)")
      }
    }
  }

  func run() throws {
    var checkpoint: Checkpoint
    do {
      // Nothing writes to the input's tensors: map it (every stored record's CRC-32 still
      // checked) rather than copy it, and write OUT straight from its pages.
      checkpoint = try load.loadForReading(input)
    } catch {
      StandardError.report(error, file: input)
      throw ReproExit.inputError
    }
    if let dtype {
      checkpoint = checkpoint.castingFloatingTensors(to: dtype.dtype)
    }
    if stripPrefix != nil || addPrefix != nil {
      checkpoint = checkpoint.renamingStateDictKeys(
        strippingPrefix: stripPrefix, addingPrefix: addPrefix)
    }
    let format = to ?? CheckpointFormat(forWritingTo: output)
    var written = checkpoint
    if format == .safetensors && maxShardSize == nil {
      // What the input holds decides whether it fits safetensors: errors name the input. (Shards
      // refuse shared storages themselves, so there is nothing to deduplicate for them.)
      do {
        let flat = try SharedTensorDeduplication(
          tensors: try checkpoint.flatTensors(), metadata: checkpoint.metadata)
        for d in flat.dropped {
          print(
            "dropped '\(d.name)': it shares memory with '\(d.keptName)' (recorded in __metadata__, as safetensors.torch.save_model does)"
          )
        }
        written = Checkpoint(
          format: .safetensors,
          root: .dict(flat.tensors.map { PicklePair(.string($0.name), .tensor($0.tensor)) }),
          metadata: flat.metadata)
      } catch {
        StandardError.report(error, file: input)
        throw ReproExit.inputError
      }
    }
    do {
      if let maxShardSize {
        try ShardedCheckpoint.save(
          checkpoint.stateDictPairs(), to: URL(fileURLWithPath: output),
          maxShardSize: ShardedCheckpoint.parseSize(maxShardSize),
          safeSerialization: ![.torch, .shardedTorch].contains(to ?? .safetensors))
        return
      }
      try Checkpoint.write(written, to: URL(fileURLWithPath: output), format: format)
    } catch {
      StandardError.report(error, file: output)
      throw ReproExit.inputError
    }
  }
}
