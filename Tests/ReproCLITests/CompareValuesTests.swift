import Foundation
import ReproTestSupport
import Testing

/// `repro compare` on a training checkpoint's non-tensor values (epoch, loss, hyper-parameters,
/// optimizer param_groups, numpy scalars and arrays) against torch.testing.assert_close's
/// verdicts in Golden/pytorch/compare/values.json (Scripts/make_compare_goldens.py), and its
/// reports (JUnit, HTML) through the one result model.
@Suite struct CompareValuesTests {
  typealias C = CompareCommandTests

  /// values.json: per key the kinds, torch's verdict and message, and the float figures.
  struct Golden: Decodable {
    struct Key: Decodable {
      var referenceKind: String
      var candidateKind: String
      var oracle: String
      var torchPassed: Bool
      var torchMessage: String?
      var referenceValue: Double?
      var candidateValue: Double?
      var absDiff: Double?
      var relDiff: Double?
      var ulpDtype: String?
      var maxUlp: UInt64?
    }
    var passed: Bool
    var keys: [String: Key]
  }

  static func golden() throws -> Golden {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let url = Repository.golden("pytorch/compare/values.json")
    return try decoder.decode(Golden.self, from: Data(contentsOf: url))
  }

  static let files = [
    C.compareFile("values_reference.pt"), C.compareFile("values_candidate.pt"), "--trust",
  ]

  @Test func everyValueIsAKeyWithAssertClosesVerdict() throws {
    let golden = try Self.golden()
    #expect(!golden.passed)
    let (status, output) = try C.compareJSON(Self.files)
    #expect(status == 1)
    #expect(output.result.missingKeys.isEmpty && output.result.unexpectedKeys.isEmpty)
    #expect(Set(output.result.rows.map(\.key)) == Set(golden.keys.keys))
    for row in output.result.rows {
      let g = try #require(golden.keys[row.key])
      #expect(row.passed == g.torchPassed, "\(row.key)")
      #expect(row.referenceKind == g.referenceKind, "\(row.key)")
      #expect(row.candidateKind == g.candidateKind, "\(row.key)")
      if let abs = g.absDiff, let rel = g.relDiff {
        #expect(row.maxAbsoluteError == abs, "\(row.key)")
        #expect(row.maxRelativeError == rel, "\(row.key)")
        #expect(row.maxULP == g.maxUlp, "\(row.key)")
        #expect(row.ulpDtype == g.ulpDtype, "\(row.key)")
      }
      // Number and bool messages are assert_close's word for word.
      let isNumber = ["int", "float", "bool"].contains(g.referenceKind)
      if isNumber, g.referenceKind == g.candidateKind, let message = g.torchMessage {
        #expect(row.message == message, "\(row.key)")
      }
    }
  }

  @Test func failingValuesAreNamedWithBothValues() throws {
    let golden = try Self.golden()
    let r = try ReproBinary.run(["compare"] + Self.files)
    #expect(r.status == 1)
    let failing = golden.keys.filter { !$0.value.torchPassed }
    #expect(Set(failing.keys) == ["amp", "best_acc", "epoch", "np_weights", "step"])
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.first?.hasPrefix(
        "FAIL: \(failing.count) of \(golden.keys.count) keys differ, 0 missing, 0 unexpected")
        == true)
    let acc = try #require(golden.keys["best_acc"])
    let accAbs = try #require(acc.absDiff)
    let accRel = try #require(acc.relDiff)
    let accULP = try #require(acc.maxUlp)
    #expect(
      lines.contains(
        "best_acc: float -> float, max abs \(accAbs), max rel \(accRel), max ULP \(accULP) (float64), reference 0.875, candidate 0.876"
      ))
    #expect(lines.contains("epoch: int -> int, reference 3, candidate 4"))
    #expect(lines.contains("step: int -> float type differs: reference int, candidate float"))
    #expect(lines.contains("amp: bool -> bool Booleans mismatch: False is not True"))
    #expect(lines.contains { $0.hasPrefix("np_weights: float32 -> float32, mismatched 1 / 2, ") })
    #expect(lines.count == 1 + failing.count)
  }

  @Test func explicitToleranceAppliesToFloatsButNotToInts() throws {
    let golden = try Self.golden()
    let (rtol, atol) = (0.01, 0.01)
    let (_, output) = try C.compareJSON(Self.files + ["--rtol", "0.01", "--atol", "0.01"])
    for row in output.result.rows {
      let g = try #require(golden.keys[row.key])
      if let abs = g.absDiff, let reference = g.referenceValue {
        #expect(row.passed == (abs <= atol + rtol * Swift.abs(reference)), "\(row.key)")
      }
    }
    let failed = Set(output.result.rows.filter { !$0.passed }.map(\.key))
    // best_acc (0.001 apart) and np_weights (0.001) pass now; epoch, step and amp do not.
    #expect(failed == ["epoch", "step", "amp"])
  }

  @Test func maxULPCountsPythonFloatsInFloat64AndNumpyScalarsInTheirDtype() throws {
    let golden = try Self.golden()
    let (_, output) = try C.compareJSON(Self.files + ["--max-ulp", "1"])
    for row in output.result.rows {
      guard let g = golden.keys[row.key], let ulp = g.maxUlp else { continue }
      #expect(row.maxULP == ulp, "\(row.key)")
      #expect(row.passed == (ulp <= 1), "\(row.key)")
    }
    #expect(output.result.rows.first { $0.key == "np_scale" }?.passed == true)
  }

  @Test func strictDtypeFailsANumpyScalarTypeChangeOnly() throws {
    // values_candidate.pt keeps every numpy scalar's dtype: --strict-dtype changes no verdict.
    let golden = try Self.golden()
    let (_, output) = try C.compareJSON(Self.files + ["--strict-dtype"])
    for row in output.result.rows {
      #expect(row.passed == golden.keys[row.key]?.torchPassed, "\(row.key)")
    }
  }

  @Test func reportsHaveOneCasePerKey() throws {
    let golden = try Self.golden()
    let folder = try Repository.makeTemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let junit = folder.appendingPathComponent("compare.xml")
    let html = folder.appendingPathComponent("compare.html")
    let r = try ReproBinary.run(
      ["compare"] + Self.files + ["--junit", junit.path, "--html", html.path])
    #expect(r.status == 1, "\(r.stderr)")
    let failing = golden.keys.filter { !$0.value.torchPassed }.count
    let xml = try String(contentsOf: junit, encoding: .utf8)
    #expect(xml.components(separatedBy: "<testcase ").count - 1 == golden.keys.count)
    #expect(xml.components(separatedBy: "<failure ").count - 1 == failing)
    for key in golden.keys.keys { #expect(xml.contains("name=\"\(key)\""), "\(key)") }
    #expect(xml.contains("message=\"epoch: int -&gt; int, reference 3, candidate 4\""))
    let page = try String(contentsOf: html, encoding: .utf8)
    #expect(page.contains("<span id=\"count-tests\" class=\"n\">\(golden.keys.count)</span>"))
    #expect(page.contains("<span id=\"count-failures\" class=\"n\">\(failing)</span>"))
    #expect(page.components(separatedBy: "<tbody class=\"case ").count - 1 == golden.keys.count)
    #expect(page.contains("Scalars are not close!"))
  }
}
