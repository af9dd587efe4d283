extension HelpScreen {
  /// `repro compare --help`.
  static let compare = HelpScreen(
    ["compare"],
    """
    OVERVIEW: Compare two checkpoints tensor by tensor, matched by key path, within
    tolerance.

    By default each tensor must pass torch.testing.assert_close with the default
    rtol/atol of the less precise of the two dtypes (float16 1e-3/1e-5, bfloat16
    1.6e-2/1e-5, float32 1.3e-6/1e-5, float64 1e-7/1e-7), on values upcast to
    float64; integers and bool compare exactly. Exits 0 when every key is within
    tolerance, 1 on any difference (a failing, missing or unexpected key), 2 when a
    file cannot be read, 64 on a usage error.

    USAGE: repro compare [<options>] <reference> <candidate>

    ARGUMENTS:
      <reference>             The reference checkpoint (the expected values).
      <candidate>             The candidate checkpoint (the values under test).

    OPTIONS:
      --rtol <rtol>           Relative tolerance (with --atol), instead of the
                              dtypes' default.
      --atol <atol>           Absolute tolerance (with --rtol), instead of the
                              dtypes' default.
      --bitwise               Bytes, dtype, shape, stride and device must be equal.
      --equal-nan             Two NaNs at the same index count as equal.
      --strict-dtype          A dtype difference fails the key.
      --strip-prefix <prefix> Strip this prefix from every key of either file that
                              starts with it (repeatable), e.g. module.
      --only <glob>           Compare only the keys matching this glob (* and ?;
                              repeatable).
      --ignore <glob>         Leave out the keys matching this glob (repeatable).
      --verbose               List the passing keys too, with their errors.
      --junit <file>          Also write JUnit XML: one testcase per compared,
                              missing or unexpected key.
      --json                  Print the result as JSON.
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
}
