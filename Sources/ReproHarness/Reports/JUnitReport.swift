public import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Writes a run as JUnit XML, the format Jenkins, GitLab and GitHub test reporters read.
///
/// Layout: `testsuites` (totals; skips are counted per suite, as the schema has it) > one `testsuite` per model (`name`, `tests`, `failures`,
/// `errors`, `skipped`, `time`, `timestamp`, `hostname`) > `properties` (the environment and the
/// values each matrix axis takes in that suite) > `testcase` (`name` = case id, `classname` =
/// `repro.<model>.<dtype>`, `time`) holding `failure` (message, type, the comparison details as
/// text), `error` or `skipped`. Times have three decimals.
///
/// Against a baseline (`BaselineComparison`), each `testcase` gets a `system-out` line
/// `baseline: new failure: fail (pass in the baseline)`, and each suite the properties
/// `baseline` (the file), `baseline.new_failures`, `baseline.fixed`, `baseline.unchanged`,
/// `baseline.new` (counts of its cases) and `baseline.gone` (the ids of the baseline's cases of
/// that model that are gone, comma-separated). The marks are not `properties` of the testcase:
/// the schema JUnit consumers validate against (Jenkins' `junit-10.xsd`, pytest's `xunit2`)
/// has no `properties` inside `testcase`, while GitLab and Jenkins show a case's `system-out`.
///
/// The document is built with Foundation's `XMLDocument` (libxml2 underneath), which escapes
/// text and attribute values; characters that XML 1.0 cannot carry at all (control characters
/// other than tab, newline, carriage return) are replaced by U+FFFD first.
///
/// ```swift
/// try JUnitReport.write(run, to: URL(fileURLWithPath: "Reports/junit.xml"))
/// ```
public enum JUnitReport {
  /// The report as an XML document's bytes (UTF-8, pretty-printed).
  ///
  /// - Parameters:
  ///   - run: the run.
  ///   - baseline: the run compared with a previous one, or nil.
  public static func data(for run: RunResult, baseline: BaselineComparison? = nil) -> Data {
    let root = XMLElement(name: "testsuites")
    let total = run.summary
    root.addAttributes([
      ("name", "repro"), ("tests", String(total.tests)), ("failures", String(total.failures)),
      ("errors", String(total.errors)), ("time", ReportTime.seconds(run.duration)),
    ])
    let marks = BaselineMarks(baseline, run: run)
    for (n, model) in run.models.enumerated() {
      root.addChild(suite(model: model, index: n, run: run, marks: marks))
    }
    let doc = XMLDocument(rootElement: root)
    doc.version = "1.0"
    doc.characterEncoding = "UTF-8"
    return doc.xmlData(options: [.nodePrettyPrint])
  }

  /// Writes the report to a file.
  ///
  /// - Throws: `HarnessError.Code.io` when the file cannot be written.
  public static func write(_ run: RunResult, to url: URL, baseline: BaselineComparison? = nil)
    throws(HarnessError)
  {
    do {
      try data(for: run, baseline: baseline).write(to: url, options: .atomic)
    } catch {
      throw HarnessError(.io, "\(url.path): cannot write the JUnit report", cause: error)
    }
  }

  private static func suite(model: String, index: Int, run: RunResult, marks: BaselineMarks)
    -> XMLElement
  {
    let cases = run.cases.filter { $0.model == model }
    let s = RunResult.Summary(cases)
    let start = cases.map(\.startedAt).min() ?? run.startedAt
    let time = cases.reduce(0) { $0 + $1.duration }
    let suite = XMLElement(name: "testsuite")
    suite.addAttributes([
      ("name", model), ("tests", String(s.tests)), ("failures", String(s.failures)),
      ("errors", String(s.errors)), ("skipped", String(s.skipped)),
      ("time", ReportTime.seconds(time)), ("timestamp", ReportTime.junit(start)),
      ("hostname", run.environment.hostname), ("id", String(index)), ("package", "repro"),
    ])
    let properties = XMLElement(name: "properties")
    let baseline = marks.properties(model: model, cases: cases)
    for (name, value) in environmentProperties(run.environment) + axisProperties(cases) + baseline {
      let p = XMLElement(name: "property")
      p.addAttributes([("name", name), ("value", value)])
      properties.addChild(p)
    }
    suite.addChild(properties)
    for c in cases { suite.addChild(testcase(c, baseline: marks.entries[c.id])) }
    return suite
  }

  private static func testcase(_ c: CaseResult, baseline: BaselineComparison.Entry?) -> XMLElement {
    let e = XMLElement(name: "testcase")
    e.addAttributes([
      ("name", c.id), ("classname", "repro.\(c.model).\(c.axes["dtype"] ?? "all")"),
      ("time", ReportTime.seconds(c.duration)),
    ])
    let failure = c.failure ?? CaseResult.Failure(message: "", type: "")
    switch c.status {
    case .pass: break
    case .fail:
      e.addChild(outcome("failure", failure, defaultType: "ComparisonFailure"))
    case .error:
      e.addChild(outcome("error", failure, defaultType: "Error"))
    case .skip:
      let skipped = XMLElement(name: "skipped")
      if !failure.message.isEmpty { skipped.addAttributes([("message", failure.message)]) }
      e.addChild(skipped)
    }
    if let baseline {
      let text = "baseline: \(baseline.mark.rawValue): \(baseline.statusChange)"
      e.addChild(XMLElement(name: "system-out", stringValue: xmlSafe(text)))
    }
    return e
  }

  private static func outcome(_ name: String, _ f: CaseResult.Failure, defaultType: String)
    -> XMLElement
  {
    let details = f.details.isEmpty ? f.message : f.details
    let e = XMLElement(name: name, stringValue: xmlSafe(details))
    e.addAttributes([("message", f.message), ("type", f.type.isEmpty ? defaultType : f.type)])
    return e
  }

  /// The environment as JUnit properties.
  static func environmentProperties(_ env: RunEnvironment) -> [(String, String)] {
    [
      ("repro.version", env.reproVersion),
      ("pytorch.compatibility", env.pytorchCompatibilityVersion),
      ("swift.version", env.swiftVersion), ("os", env.operatingSystem), ("cpu.model", env.cpuModel),
      ("cpu.count", String(env.cpuCount)), ("openblas.threads", String(env.openBLASThreads)),
    ]
  }

  /// Each axis with the sorted values it takes in these cases (`axis.dtype` = `float16,float32`).
  static func axisProperties(_ cases: [CaseResult]) -> [(String, String)] {
    var values: [String: Set<String>] = [:]
    for c in cases {
      for (axis, value) in c.axes { values[axis, default: []].insert(value) }
    }
    return values.keys.sorted().map {
      ("axis.\($0)", values[$0, default: []].sorted().joined(separator: ","))
    }
  }

  /// Replaces the characters XML 1.0 forbids (C0 controls but tab, LF, CR; U+FFFE, U+FFFF)
  /// by U+FFFD.
  static func xmlSafe(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: { !isXMLChar($0) }) else { return s }
    var out = String.UnicodeScalarView()
    for u in s.unicodeScalars { out.append(isXMLChar(u) ? u : "\u{FFFD}") }
    return String(out)
  }

  private static func isXMLChar(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x9, 0xA, 0xD: true
    case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
  }
}

extension XMLElement {
  /// Adds attributes in the given order, with XML-safe values.
  func addAttributes(_ pairs: [(String, String)]) {
    for (name, value) in pairs {
      if let node = XMLNode.attribute(withName: name, stringValue: JUnitReport.xmlSafe(value))
        as? XMLNode
      {
        addAttribute(node)
      }
    }
  }
}
