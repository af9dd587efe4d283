// Exact help screens (80 columns): the commands that read and write checkpoints.
// A change here is a change users see: review it like an API change.

extension HelpScreen {
  /// `repro inspect --help`.
  static let inspect = HelpScreen(
    ["inspect"],
    """
    OVERVIEW: List every tensor and value in a .pt/.pth (zip or legacy),
    safetensors or TorchScript file, a sharded checkpoint or a DCP folder.

    Reads the file without executing anything. Paths join dict keys and list
    indices with '/'. --json prints {"format", "weights_only_ok", "entries"} in the
    contract of the interop corpus (Golden/pytorch/interop/*.expected.json): for
    tensors dtype, shape, stride, storage_offset, device (as written in the file
    unless --map-location), requires_grad, parameter, sha256 of the contiguous
    little-endian bytes and the first 4 values. Containers are read as one state
    dict: shards in sorted file-name order (format sharded-safetensors or
    sharded-torch), a TorchScript archive as torch.jit.load(f).state_dict()
    (torchscript), a DCP folder as dcp_to_torch_save writes it (dcp).

    USAGE: repro inspect <file> [--json] [--map-location <location>] [--trust] [--mmap]

    ARGUMENTS:
      <file>                  The checkpoint: a file, a Hugging Face shard index
                              (*.index.json) or its folder, or a
                              torch.distributed.checkpoint folder.

    OPTIONS:
      --json                  Print JSON instead of a table.
      --map-location <location>
                              Where storages go, as torch.load's map_location: a
                              device (cpu, cuda:0) or a mapping such as
                              cuda:1=cuda:0,cuda:2=cpu.
      --trust                 Accept classes outside
                              torch.load(weights_only=True)'s allowlist
                              (whole-model files) as opaque objects. Nothing is
                              ever executed.
      --mmap                  Memory-map the file: tensors borrow its pages instead
                              of copying them (zip files with stored records).
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro convert --help`.
  static let convert = HelpScreen(
    ["convert"],
    """
    OVERVIEW: Convert a checkpoint between torch (.pt/.pth) and safetensors, dtypes
    and key prefixes.

    Reads IN (zip, legacy or safetensors), applies --map-location, --dtype and the
    prefix options, and writes OUT atomically (a temporary file renamed over OUT).
    torch output is what torch.save writes for the same object; safetensors output
    is what safetensors.torch.save_file writes and needs a flat name → tensor dict.
    Tensors that share memory (tied weights) are deduplicated as
    safetensors.torch.save_model does: the first name in sorted order that covers
    the whole storage is kept, the others are dropped (each is printed) and
    recorded in __metadata__ as {dropped: kept}; where save_model would refuse,
    convert refuses and names the shared keys. IN may also be a sharded checkpoint
    (its *.index.json or its folder), a torch.distributed.checkpoint folder or a
    TorchScript archive (read as its state dict). With --max-shard-size (or --to
    sharded-safetensors / sharded-torch, 5GB shards), OUT is a folder and the state
    dict is written as huggingface_hub.save_torch_state_dict(state_dict, OUT,
    max_shard_size=SIZE) writes it: safetensors shards (torch shards with --to
    torch or sharded-torch) and, for more than one shard, the index.

    USAGE: repro convert <input> <output> [--to <to>] [--dtype <dtype>] [--strip-prefix <prefix>] \
    [--add-prefix <prefix>] [--max-shard-size <size>] [--map-location <location>] [--trust] [--mmap]

    ARGUMENTS:
      <input>                 The checkpoint to read: a file, a shard index or its
                              folder, or a torch.distributed.checkpoint folder.
      <output>                The file to write.

    OPTIONS:
      --to <to>               The output format (default: safetensors for a
                              .safetensors OUT, torch otherwise). (values: torch,
                              safetensors, sharded-safetensors, sharded-torch)
      --dtype <dtype>         Cast every floating-point tensor to this dtype, as
                              tensor.to(dtype) does. (values: float32, float16,
                              bfloat16, float64, float8_e4m3fn, float8_e5m2,
                              float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
      --strip-prefix <prefix> Remove this prefix from state-dict keys (e.g. module.
                              left by DataParallel).
      --add-prefix <prefix>   Add this prefix to every state-dict key.
      --max-shard-size <size> Write OUT as a folder of Hugging Face shards of at
                              most this size (bytes, or with KB/MB/GB/TB = powers
                              of 1000, as huggingface_hub's max_shard_size).
      --map-location <location>
                              Where storages go, as torch.load's map_location: a
                              device (cpu, cuda:0) or a mapping such as
                              cuda:1=cuda:0,cuda:2=cpu.
      --trust                 Accept classes outside
                              torch.load(weights_only=True)'s allowlist
                              (whole-model files) as opaque objects. Nothing is
                              ever executed.
      --mmap                  Memory-map the file: tensors borrow its pages instead
                              of copying them (zip files with stored records).
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro generate --help`.
  static let generate = HelpScreen(
    ["generate"],
    """
    OVERVIEW: Build a model from a spec and a seed, exactly as PyTorch would, and
    save it.

    The recipe is torch.manual_seed(SEED), the spec's constructors
    (nn.Sequential(...) syntax or a zoo name), a cast (.half(), .bfloat16(),
    .double(), .float()), a device tag (.to(DEVICE)), then
    torch.save(model.state_dict(), FILE) (--mode state-dict) or torch.save(model,
    FILE) (--mode module). torch files are byte-identical to PyTorch 2.13's;
    safetensors files are what safetensors.torch.save_file(model.state_dict())
    writes. The file is written atomically (temporary file, fsync, rename).

    Whole-module files need torch.load(FILE, weights_only=False). The zoo's simple
    model is saved as __main__.SimpleModel, as the PyTorch guides' script saves it:
    loading it needs that class defined in the loader's __main__. resnet18 has no
    torch.nn class and is refused in module mode. Examples:
      repro generate --model 'Sequential(Linear(5, 7), ReLU())' --seed 0 -o m.pt
      repro generate --model resnet18 --seed 1 --dtype float16 -o r18.safetensors

    USAGE: repro generate [--model <spec>] [--seed <seed>] [--dtype <dtype>] [--to <to>] [--mode \
    <mode>] [--device-tag <device>] [--output <file>] [--list-models]

    OPTIONS:
      --model <spec>          The model: a spec in PyTorch's constructor syntax or
                              a zoo name (see --list-models).
      --seed <seed>           The seed, as torch.manual_seed takes it: an integer
                              in [-2^63, 2^64); negative values wrap modulo 2^64.
      --dtype <dtype>         The dtype the model is cast to. (values: float32,
                              float16, bfloat16, float64; default: float32)
      --to <to>               The output format (default: safetensors for a
                              .safetensors file, torch otherwise). (values: torch,
                              safetensors, sharded-safetensors, sharded-torch)
      --mode <mode>           Save the state dict or the whole module (torch format
                              only). (values: state-dict, module; default:
                              state-dict)
      --device-tag <device>   Tag every tensor with this device (cuda:0, mps, ...),
                              as model.to(device) would; the bytes are unchanged.
      -o, --output <file>     The file to write.
      --list-models           List the zoo models and the constructors a spec may
                              use, then exit.
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro diff --help`.
  static let diff = HelpScreen(
    ["diff"],
    """
    OVERVIEW: Explain the difference between two checkpoint files (records, pickle
    opcodes, tensors, values).

    Tensors whose values differ are described as repro compare does (values upcast
    to float64): how many values differ, mismatches beyond the less precise dtype's
    default rtol/atol, max abs/rel error, max ULP in the less precise dtype, the
    worst element. Exits 0 when the files are byte-identical, 1 when they differ, 2
    when one cannot be read.

    USAGE: repro diff <first> <second> [--verbose]

    ARGUMENTS:
      <first>                 The first file (the reference).
      <second>                The second file.

    OPTIONS:
      --verbose               Also list records whose bytes are equal but that
                              moved in the archive.
      --version               Show the version.
      -h, --help              Show help information.


    """)
}
