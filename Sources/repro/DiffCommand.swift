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
    discussion:
      "Exits 0 when the files are byte-identical, 1 when they differ, 2 when one cannot be read.")

  @Argument(help: "The first file (the reference).")
  var first: String

  @Argument(help: "The second file.")
  var second: String

  func run() throws {
    let a: [UInt8]
    let b: [UInt8]
    do {
      a = [UInt8](try Data(contentsOf: URL(fileURLWithPath: first)))
      b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: second)))
    } catch {
      StandardError.report(error, file: "\(first) or \(second)")
      throw ReproExit.inputError
    }
    let diff: CheckpointDiff
    do {
      diff = try CheckpointDiff(a, b)
    } catch {
      StandardError.report(error, file: "\(first) / \(second)")
      throw ReproExit.inputError
    }
    if diff.isIdentical {
      print("identical (\(a.count) bytes)")
      return
    }
    for line in diff.lines { print(line) }
    throw ReproExit.failure
  }
}
