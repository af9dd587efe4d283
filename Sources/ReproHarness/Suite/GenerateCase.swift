import Foundation
import ReproNN
import ReproTensor

/// One seed and dtype of a `[[generate]]` entry (`generate/<name>/s<seed>/<dtype>`): the model
/// built as `torch.manual_seed(seed)`, construction and cast make it, its state dict's inventory
/// checked against the golden `<golden_dir>/generate/<name>-s<seed>-<dtype>.json`.
public struct GenerateCase: SuiteCase {
  /// The entry's name.
  public var name: String
  /// The model spec.
  public var spec: String
  /// The seed as written (negative values wrap modulo 2^64, as `torch.manual_seed` does).
  public var seed: Int64
  /// The dtype name.
  public var dtype: String

  /// `generate/<name>/s<seed>/<dtype>`.
  public var id: String { "generate/\(name)/s\(seed)/\(dtype)" }
  /// The model spec.
  public var model: String { spec }
  /// `kind` (`generate`), `name`, `seed` and `dtype`.
  public var axes: [String: String] {
    ["kind": "generate", "name": name, "seed": String(seed), "dtype": dtype]
  }

  /// The golden's name: the entry's name with every character outside `A-Z a-z 0-9 . _ -`
  /// replaced by `_`, then the seed and dtype.
  public var goldenName: String {
    let safe = String(
      name.map { c in
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
      })
    return "\(safe)-s\(seed)-\(dtype)"
  }

  /// The cases of an entry: every seed in every dtype.
  public static func cases(of entry: GenerateEntry) -> [any SuiteCase] {
    entry.seeds.flatMap { seed in
      entry.dtypes.map {
        GenerateCase(name: entry.displayName, spec: entry.model, seed: seed, dtype: $0)
      }
    }
  }

  /// Generates the model and checks its inventory against the golden.
  public func run(in context: SuiteContext) -> CaseResult {
    let start = Date()
    func result(_ status: CaseResult.Status, _ failure: CaseResult.Failure?) -> CaseResult {
      CaseResult(
        id: id, model: model, axes: axes, status: status,
        duration: Date().timeIntervalSince(start), failure: failure, startedAt: start)
    }
    do {
      guard let dtype = DType(pytorchName: self.dtype) else {
        throw HarnessError(.invalidSuite, "unknown dtype '\(self.dtype)'")
      }
      let generation = try ModelGeneration(
        spec: spec, seed: UInt64(bitPattern: seed), dtype: dtype)
      let module = try generation.makeModel()
      let document = GeneratedInventory(
        model: spec, seed: seed, dtype: self.dtype, stateDict: module.stateDict())
      let outcome = try context.golden.check(document, suite: "generate", name: goldenName)
      if outcome.isSuccess { return result(.pass, nil) }
      let type: String =
        switch outcome {
        case .missing: "GoldenMissing"
        case .recorded: "GoldenRecorded"
        default: "GoldenMismatch"
        }
      // The headline and the first difference (the tensor key that changed).
      let headline = outcome.message.split(separator: "\n").prefix(2).map {
        $0.drop { $0 == " " }
      }.joined(separator: " ")
      return result(
        .fail, CaseResult.Failure(message: headline, type: type, details: outcome.message))
    } catch {
      return result(
        .error,
        CaseResult.Failure(message: "\(error)", type: String(describing: type(of: error))))
    }
  }
}
