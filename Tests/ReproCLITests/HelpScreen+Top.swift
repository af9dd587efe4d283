// Exact help screens (80 columns): the top-level command and `repro golden`.
// A change here is a change users see: review it like an API change.

extension HelpScreen {
  /// `repro --help`.
  static let repro = HelpScreen(
    [],
    """
    OVERVIEW: Make PyTorch checkpoints verifiable: inspect, generate, compare and
    convert them.

    USAGE: repro <subcommand>

    OPTIONS:
      --version               Show the version.
      -h, --help              Show help information.

    SUBCOMMANDS:
      inspect                 List every tensor and value in a .pt/.pth (zip or
                              legacy), safetensors or TorchScript file, a sharded
                              checkpoint or a DCP folder.
      convert                 Convert a checkpoint between torch (.pt/.pth) and
                              safetensors, dtypes and key prefixes.
      generate                Build a model from a spec and a seed, exactly as
                              PyTorch would, and save it.
      compare                 Compare two checkpoints tensor by tensor, matched by
                              key path, within tolerance.
      diff                    Explain the difference between two checkpoint files
                              (records, pickle opcodes, tensors, values).
      golden                  Verify, record or update the golden files (Golden/
                              and its MANIFEST.json).
      train                   Train a model with PyTorch's recipe (randn data from
                              --data-seed, MSE loss) and save the result.
      run                     Run the round-trip matrix or a suite file against the
                              goldens and write JUnit/HTML/JSON reports.
      suite                   Write suite files: the user's own checks, run by
                              `repro run --suite FILE`.
      report                  Write JUnit XML, HTML and JSON reports from saved
                              results, merging shards.
      random                  Draw random numbers exactly as PyTorch 2.13's CPU
                              generator does.

      See 'repro help <subcommand>' for detailed help.

    """)

  /// `repro golden --help`.
  static let golden = HelpScreen(
    ["golden"],
    """
    OVERVIEW: Verify, record or update the golden files (Golden/ and its
    MANIFEST.json).

    USAGE: repro golden <subcommand>

    OPTIONS:
      --version               Show the version.
      -h, --help              Show help information.

    SUBCOMMANDS:
      verify (default)        Check every golden byte against MANIFEST.json and
                              every file Repro writes against its golden (the
                              default).
      record                  Record missing goldens (existing ones are compared,
                              not overwritten) and refresh MANIFEST.json.
      update                  Re-record goldens that differ, print what changed,
                              and rewrite MANIFEST.json.

      See 'repro help golden <subcommand>' for detailed help.

    """)

  /// `repro golden verify --help`.
  static let goldenVerify = HelpScreen(
    ["golden", "verify"],
    """
    OVERVIEW: Check every golden byte against MANIFEST.json and every file Repro
    writes against its golden (the default).

    USAGE: repro golden verify [--root <root>] [--filter <filter>]

    OPTIONS:
      --root <root>           The golden folder. (default: Golden)
      --filter <filter>       Only the goldens whose name contains this text
                              (writer gate).
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro golden record --help`.
  static let goldenRecord = HelpScreen(
    ["golden", "record"],
    """
    OVERVIEW: Record missing goldens (existing ones are compared, not overwritten)
    and refresh MANIFEST.json.

    USAGE: repro golden record [--root <root>] [--filter <filter>]

    OPTIONS:
      --root <root>           The golden folder. (default: Golden)
      --filter <filter>       Only the goldens whose name contains this text
                              (writer gate).
      --version               Show the version.
      -h, --help              Show help information.


    """)

  /// `repro golden update --help`.
  static let goldenUpdate = HelpScreen(
    ["golden", "update"],
    """
    OVERVIEW: Re-record goldens that differ, print what changed, and rewrite
    MANIFEST.json.

    USAGE: repro golden update [--root <root>] [--filter <filter>]

    OPTIONS:
      --root <root>           The golden folder. (default: Golden)
      --filter <filter>       Only the goldens whose name contains this text
                              (writer gate).
      --version               Show the version.
      -h, --help              Show help information.


    """)
}
