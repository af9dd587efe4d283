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
    float64; integers and bool compare exactly. Other values are compared too:
    floats (numpy scalars by value) within float64's 1e-7/1e-7 or --rtol/--atol,
    ints, bools, strings and None exactly; a change of type fails. --max-ulp N
    replaces the tolerance of floating keys: every element within N units in the
    last place of the less precise dtype (fewer significand bits), both sides
    rounded to it.

    Keys are mapped in this order: --strip-prefix (either file), --add-prefix (the
    candidate), --rename (either file, the first that applies), then
    --only/--ignore on the mapped keys.

    Exits 0 when every key is within tolerance, 1 on any difference (a failing,
    missing or unexpected key), 2 when a file cannot be read or a report written,
    64 on a usage error.

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
      --max-ulp <n>           Floating keys pass when every element is at most N
                              ULPs from the reference (instead of --rtol/--atol);
                              integers still compare exactly.
      --strip-prefix <prefix> Strip this prefix from every key of either file that
                              starts with it (repeatable), e.g. module.
      --add-prefix <prefix>   Put this prefix before every key of the candidate,
                              after stripping (module., model/).
      --rename <from=to>      Rename keys of either file: a key equal to FROM, or
                              starting with FROM and then . or /, gets TO in its
                              place (repeatable; the first that applies).
      --only <glob>           Compare only the keys matching this glob (* and ?;
                              repeatable).
      --ignore <glob>         Leave out the keys matching this glob (repeatable).
      --verbose               List the passing keys too, with their errors.
      --junit <file>          Also write JUnit XML: one testcase per compared,
                              missing or unexpected key.
      --html <file>           Also write the HTML report (the style of repro
                              report): one case per key.
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
