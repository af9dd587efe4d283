import ArgumentParser
import Foundation
import ReproCLI
import ReproFormat
import ReproHarness
import ReproTensor

/// `repro compare`: two checkpoints tensor by tensor, within tolerance.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Compare two checkpoints tensor by tensor, matched by key path, within tolerance.",
    discussion: """
      By default each tensor must pass torch.testing.assert_close with the default rtol/atol of \
      the less precise of the two dtypes (float16 1e-3/1e-5, bfloat16 1.6e-2/1e-5, float32 \
      1.3e-6/1e-5, float64 1e-7/1e-7), on values upcast to float64; integers \
      and bool compare exactly. Other values are compared too: floats (numpy scalars by value) \
      within float64's 1e-7/1e-7 or --rtol/--atol, ints, bools, strings and None exactly; a \
      change of type fails. --max-ulp N replaces the tolerance of floating keys: every element \
      within N units in the last place of the less precise dtype (fewer significand bits), both \
      sides rounded to it.

      Keys are mapped in this order: --strip-prefix (either file), --add-prefix (the candidate), \
      --rename (either file, the first that applies), then --only/--ignore on the mapped keys.

      Exits 0 when every key is within tolerance, 1 on any difference (a failing, missing or \
      unexpected key), 2 when a file cannot be read or a report written, 64 on a usage error.
      """)

  @Argument(help: "The reference checkpoint (the expected values).")
  var reference: String

  @Argument(help: "The candidate checkpoint (the values under test).")
  var candidate: String

  @Option(help: "Relative tolerance (with --atol), instead of the dtypes' default.")
  var rtol: Double?

  @Option(help: "Absolute tolerance (with --rtol), instead of the dtypes' default.")
  var atol: Double?

  @Flag(help: "Bytes, dtype, shape, stride and device must be equal.")
  var bitwise = false

  @Flag(name: .customLong("equal-nan"), help: "Two NaNs at the same index count as equal.")
  var equalNaN = false

  @Flag(help: "A dtype difference fails the key.")
  var strictDtype = false

  @Option(
    name: .customLong("max-ulp"),
    help: ArgumentHelp(
      "Floating keys pass when every element is at most N ULPs from the reference (instead of "
        + "--rtol/--atol); integers still compare exactly.",
      valueName: "n"))
  var maxULP: UInt64?

  @Option(
    help: ArgumentHelp(
      "Strip this prefix from every key of either file that starts with it (repeatable), e.g. module.",
      valueName: "prefix"))
  var stripPrefix: [String] = []

  @Option(
    help: ArgumentHelp(
      "Put this prefix before every key of the candidate, after stripping (module., model/).",
      valueName: "prefix"))
  var addPrefix: String?

  @Option(
    help: ArgumentHelp(
      "Rename keys of either file: a key equal to FROM, or starting with FROM and then . or /, "
        + "gets TO in its place (repeatable; the first that applies).",
      valueName: "from=to"))
  var rename: [String] = []

  @Option(
    help: ArgumentHelp(
      "Compare only the keys matching this glob (* and ?; repeatable).", valueName: "glob"))
  var only: [String] = []

  @Option(
    help: ArgumentHelp("Leave out the keys matching this glob (repeatable).", valueName: "glob"))
  var ignore: [String] = []

  @Flag(help: "List the passing keys too, with their errors.")
  var verbose = false

  @Option(
    help: ArgumentHelp(
      "Also write JUnit XML: one testcase per compared, missing or unexpected key.",
      valueName: "file"))
  var junit: String?

  @Option(
    help: ArgumentHelp(
      "Also write the HTML report (the style of repro report): one case per key.",
      valueName: "file"))
  var html: String?

  @Flag(help: "Print the result as JSON.")
  var json = false

  @OptionGroup var load: LoadOptions

  func validate() throws {
    if (rtol == nil) != (atol == nil) {
      throw ValidationError("--rtol and --atol must be given together (as in assert_close)")
    }
    if bitwise && rtol != nil {
      throw ValidationError("--bitwise takes no tolerance")
    }
    if maxULP != nil && (bitwise || rtol != nil) {
      throw ValidationError("--max-ulp replaces --rtol/--atol and --bitwise: give only one")
    }
    for text in rename where FileComparison.KeyRename(parsing: text) == nil {
      throw ValidationError("--rename takes FROM=TO with both sides non-empty, not '\(text)'")
    }
    if let rtol, let atol, rtol < 0 || atol < 0 || !rtol.isFinite || !atol.isFinite {
      throw ValidationError("--rtol and --atol must be finite and not negative")
    }
  }

  func run() throws {
    let start = Date()
    var loaded: [Checkpoint] = []
    for file in [reference, candidate] {
      do {
        loaded.append(try load.load(file))
      } catch {
        StandardError.report(error, file: file)
        throw ReproExit.inputError
      }
    }
    let tolerance = rtol.flatMap { r in atol.map { Tolerance(relative: r, absolute: $0) } }
    let options = FileComparison.Options(
      tolerance: tolerance, bitwise: bitwise, equalNaN: equalNaN, strictDtype: strictDtype,
      maxULP: maxULP, stripPrefixes: stripPrefix, addPrefix: addPrefix,
      renames: rename.compactMap(FileComparison.KeyRename.init(parsing:)), only: only,
      ignore: ignore)
    let result = FileComparison.compare(
      loaded[0], loaded[1], options: options, referenceName: reference, candidateName: candidate)
    if junit != nil || html != nil {
      do {
        try result.runResult(startedAt: start, duration: Date().timeIntervalSince(start))
          .writeReports(
            junit: junit.map { URL(fileURLWithPath: $0) },
            html: html.map { URL(fileURLWithPath: $0) })
      } catch {
        StandardError.print("repro compare: \(error)")
        throw ReproExit.inputError
      }
    }
    print(json ? result.jsonText() : result.render(verbose: verbose))
    if !result.passed { throw ReproExit.failure }
  }
}
