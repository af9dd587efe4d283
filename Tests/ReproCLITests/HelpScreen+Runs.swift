// Exact help screens (80 columns): train, run, report and random.
// A change here is a change users see: review it like an API change.

extension HelpScreen {
  /// `repro train --help`.
  static let train = HelpScreen(
    ["train"],
    """
    OVERVIEW: Train a model with PyTorch's recipe (randn data from --data-seed, MSE
    loss) and save the result.

    The loop is exactly: torch.manual_seed(SEED); model = SPEC; g =
    torch.Generator().manual_seed(D); each step x = randn(batch, in, generator=g),
    y = randn(batch, out, generator=g), zero_grad, loss = ((model(x) - y) **
    2).mean(), backward, step. --amp runs forward and loss under CPU autocast
    (float16 adds a GradScaler). The file holds {"model", "optimizer", "step",
    "loss"} (+ "scaler"); --resume continues such a file to --steps, bit for bit as
    an uninterrupted run. Options left out take the optimizer's PyTorch default. A
    model whose input is token ids (gpt(...), or a spec starting with Embedding)
    trains on x, y = randint(0, vocab, (batch, T), generator=g) with loss =
    F.cross_entropy(logits.view(-1, vocab), y.view(-1)) (--seq-len T), and AdamW
    gets nanoGPT's two groups (2-D weights decayed by --weight-decay, the rest 0.0).

    USAGE: repro train [<options>] --model <model> --optimizer <optimizer> --steps <steps> \
    --data-seed <data-seed> --output <output>

    OPTIONS:
      --model <model>         The model spec in PyTorch syntax or a zoo name (it
                              must contain Linear layers).
      --seed <seed>           The seed given to the generator before construction
                              (torch.manual_seed): an integer in [-2^63, 2^64);
                              negative values wrap modulo 2^64. (default: 0)
      --optimizer <optimizer> The optimizer (torch.optim.SGD, Adam or AdamW).
                              (values: sgd, adam, adamw)
      --lr <lr>               Learning rate (default 0.001).
      --momentum <momentum>   SGD momentum (default 0).
      --dampening <dampening> SGD dampening of the momentum (default 0).
      --nesterov              SGD Nesterov momentum (needs --momentum above 0 and
                              no dampening).
      --weight-decay <weight-decay>
                              Weight decay (default 0; AdamW 0.01).
      --betas <b1,b2>         Adam/AdamW betas (default 0.9,0.999).
      --eps <eps>             Adam/AdamW eps (default 1e-8).
      --amsgrad               Adam/AdamW AMSGrad: use the maximum of the second
                              moment.
      --maximize              Maximise the objective instead of minimising it
                              (every optimizer).
      --steps <steps>         Total optimizer steps (K).
      --data-seed <data-seed> Seed of the data generator (D), as
                              torch.Generator().manual_seed takes it; negative
                              values wrap modulo 2^64.
      --batch <batch>         Rows per batch. (default: 8)
      --seq-len <seq-len>     Tokens per sequence (T) for models whose input is
                              token ids (gpt, a spec starting with Embedding): x
                              and y are randint(0, vocab, (batch, T)) and the loss
                              is cross-entropy; default: gpt's block_size.
      --amp <amp>             Run forward and loss under CPU autocast in this
                              dtype. (values: float16, bfloat16)
      --resume <resume>       Continue training from a file written by repro train.
      -o, --output <output>   Where to write the result (torch zip).
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro run --help`.
  static let run = HelpScreen(
    ["run"],
    """
    OVERVIEW: Run the round-trip matrix or a suite file against the goldens and
    write JUnit/HTML/JSON reports.

    Each case generates a model from a seed (bit-identical to PyTorch), runs a
    forward pass, saves it (torch zip or safetensors; state_dict, training
    checkpoint or whole module; cpu or cuda tags), reloads it (plain, mmap,
    non-strict, DataParallel prefix, cast on load, map_location) and checks every
    tensor bitwise, the forward output before/after reload and against its golden,
    and that resumed training equals uninterrupted training.

    --suite repro.toml runs the user's own checks instead ([[compare]],
    [[roundtrip]], [[golden]], [[generate]]; `repro suite init` writes a starter
    file); --filter and --shard apply to its cases (axes: kind, name, key, seed,
    dtype, ...).

    Goldens are compared, never recorded under CI=true (a missing golden fails);
    REPRO_RECORD=missing|failed|all or --record records, and a run that records
    still fails. Without --shard, CI_NODE_INDEX/CI_NODE_TOTAL (GitLab's parallel:,
    1-based) pick the shard. With --baseline, each case is marked against a
    previous run.

    Exit status: 0 all pass, 1 failures (with --fail-on new-failures: new failures
    only), 2 I/O errors or an invalid suite file (its file:line and key are named),
    64 usage errors.

    USAGE: repro run [--junit <junit>] [--html <html>] [--json <json>] [--suite <file>] \
    [--filter <filter>] [--shard <i/n>] [--threads <threads>] [--full] [--golden <golden>] \
    [--record <mode>] [--baseline <file>] [--fail-on <which>]

    OPTIONS:
      --junit <junit>         Write a JUnit XML report here.
      --html <html>           Write a self-contained HTML report here.
      --json <json>           Write the results as JSON here (for `repro report
                              --from`).
      --suite <file>          Run the checks of this suite file (TOML) instead of
                              the round-trip matrix.
      --filter <filter>       Only cases matching axis=value[|value] terms,
                              comma-separated (matrix axes: model, seed, dtype,
                              device, format, mode, route, backend).
      --shard <i/n>           Run shard i of n (1-based), e.g. 2/4 (default:
                              $CI_NODE_INDEX/$CI_NODE_TOTAL when set).
      --threads <threads>     OpenBLAS threads for the blasN backend (default: the
                              number of active CPUs).
      --full                  Run the full matrix (every axis crossed) instead of
                              the default one.
      --golden <golden>       The matrix's golden folder (a suite file names its
                              own: golden_dir). (default: Golden)
      --record <mode>         Whether goldens are recorded (default: $REPRO_RECORD,
                              else never under CI=true, else missing). (values:
                              never, missing, failed, all)
      --baseline <file>       Mark each case against a previous run's results (a
                              --json file or a folder of them) as new failure,
                              fixed, unchanged or new, and list the gone cases.
      --fail-on <which>       Exit 1 on any failed case, or only on new failures
                              against --baseline. (values: failures, new-failures;
                              default: failures)
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro report --help`.
  static let report = HelpScreen(
    ["report"],
    """
    OVERVIEW: Write JUnit XML, HTML and JSON reports from saved results, merging
    shards.

    Reads the results JSON files that `repro run --json` writes (a folder stands
    for the .json files in it), merges them (a case id may appear only once) and
    writes the requested reports without running anything again. Prints a one-line
    summary. With --baseline, each case is marked against a previous run. Exit
    status: 0 when every case passed or was skipped, 1 when a case failed or
    errored (with --fail-on new-failures: when a case failed that had not failed in
    the baseline), 2 when a file cannot be read, merged or written, or no results
    file is given.

    USAGE: repro report [--from <file> ...] [--junit <file>] [--html <file>] [--json <file>] \
    [--baseline <file>] [--fail-on <which>]

    OPTIONS:
      --from <file>           Results JSON files or folders of them, e.g.
                              results/*.json.
      --junit <file>          Write a JUnit XML report here.
      --html <file>           Write the self-contained HTML report here.
      --json <file>           Write the merged results as JSON here.
      --baseline <file>       Mark each case against a previous run's results (a
                              --json file or a folder of them) as new failure,
                              fixed, unchanged or new, and list the gone cases.
      --fail-on <which>       Exit 1 on any failed case, or only on new failures
                              against --baseline. (values: failures, new-failures;
                              default: failures)
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro random --help`.
  static let random = HelpScreen(
    ["random"],
    """
    OVERVIEW: Draw random numbers exactly as PyTorch 2.13's CPU generator does.

    Seeds a fresh generator with --seed and makes one call, as
    `torch.manual_seed(S)` followed by `torch.rand`, `torch.randn`, `torch.randint`
    or `torch.randperm` would. For example `repro random --seed 0 --dist normal
    --shape 1000 --sha256` prints the SHA-256 of the bytes of
    `torch.manual_seed(0); torch.randn(1000)`.

    USAGE: repro random --seed <seed> --dist <dist> --shape <shape> [--dtype <dtype>] [--low \
    <low>] [--high <high>] [--capability <capability>] [--sha256] [--json]

    OPTIONS:
      --seed <seed>           The seed, as torch.manual_seed takes it: an integer
                              in [-2^63, 2^64); negative values wrap modulo 2^64.
      --dist <dist>           The distribution: uniform (torch.rand), normal
                              (torch.randn), randint (torch.randint) or randperm
                              (torch.randperm). (values: uniform, normal, randint,
                              randperm)
      --shape <shape>         The shape as comma-separated sizes, e.g. 3,4. For
                              randperm, the single length n.
      --dtype <dtype>         The element type. Defaults to float32 for uniform and
                              normal, int64 for randint and randperm. (values:
                              float32, float64, float16, bfloat16, int64, int32,
                              int16, int8, uint8)
      --low <low>             The smallest value of randint (default 0).
      --high <high>           One past the largest value of randint (required for
                              randint).
      --capability <capability>
                              Which PyTorch kernel copy to reproduce: avx2 (any
                              x86-64 with AVX2/AVX-512) or default
                              (ATEN_CPU_CAPABILITY=default). (values: avx2,
                              default; default: avx2)
      --sha256                Print only the SHA-256 of the contiguous
                              little-endian bytes.
      --json                  Print a JSON object with shape, dtype, values and
                              bits (each element's bit pattern in hex).
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro suite --help`.
  static let suite = HelpScreen(
    ["suite"],
    """
    OVERVIEW: Write suite files: the user's own checks, run by `repro run --suite
    FILE`.

    USAGE: repro suite <subcommand>

    OPTIONS:
      --version               Show the version.
      -h, --help              Show help information.

    SUBCOMMANDS:
      init                    Write a commented starter repro.toml for the given
                              checkpoints.

      See 'repro help suite <subcommand>' for detailed help.

    """)

  /// `repro suite init --help`.
  static let suiteInit = HelpScreen(
    ["suite", "init"],
    """
    OVERVIEW: Write a commented starter repro.toml for the given checkpoints.

    Each file is read (nothing is executed) to sniff its format and dtypes; the
    suite gets one [[golden]] entry (the file must keep matching its recorded
    inventory) and one [[roundtrip]] entry (formats and dtypes fitting the file)
    per file, and commented [[compare]] and [[generate]] examples. Paths are
    written relative to the suite file. Exit status: 0 written, 2 a file cannot be
    read or written, 64 the suite file exists (without --force).

    USAGE: repro suite init [<file> ...] [--output <file>] [--force]

    ARGUMENTS:
      <file>                  Checkpoints the suite should check.

    OPTIONS:
      -o, --output <file>     The suite file to write. (default: repro.toml)
      --force                 Overwrite the suite file if it exists.
      --version               Show the version.
      -h, --help              Show help information.


    """)
}
