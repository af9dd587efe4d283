import ArgumentParser
import Foundation
import ReproCLI
import ReproFormat
import ReproHarness

/// `repro diff`: explain how two checkpoint files differ.
struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract:
      "Explain the difference between two checkpoint files (records, pickle opcodes, tensors, values).",
    discussion: """
      Tensors whose values differ are described as repro compare does (values upcast to \
      float64): how many values differ, mismatches beyond the less precise dtype's default \
      rtol/atol, max abs/rel error, max ULP in the less precise dtype, the worst element. Exits \
      0 when the files are byte-identical, 1 when they differ, 2 when one cannot be read.
      """)

  @Argument(help: "The first file (the reference).")
  var first: String

  @Argument(help: "The second file.")
  var second: String

  @Flag(help: "Also list records whose bytes are equal but that moved in the archive.")
  var verbose = false

  func run() throws {
    let diff: FileDiff
    do {
      diff = try FileDiff(
        contentsOf: URL(fileURLWithPath: first), URL(fileURLWithPath: second), verbose: verbose)
    } catch {
      StandardError.report(error, file: "\(first) / \(second)")
      throw ReproExit.inputError
    }
    if diff.isIdentical {
      print("identical (\(diff.structure.firstByteCount) bytes)")
      return
    }
    for line in diff.lines { print(line) }
    throw ReproExit.failure
  }
}
