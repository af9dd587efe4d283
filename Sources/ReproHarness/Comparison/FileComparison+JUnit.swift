public import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

extension FileComparison {
  /// The comparison as JUnit XML: one `testsuite` named after the candidate, one `testcase` per
  /// compared key (`classname` `repro.compare`), plus one per missing and per unexpected key, each
  /// failing one holding a `failure` with the row's text.
  public func junitData() -> Data {
    var cases: [(name: String, failure: String?)] = rows.map {
      ($0.key.isEmpty ? "(root)" : $0.key, $0.passed ? nil : Self.rowText($0))
    }
    cases += missingKeys.map { ($0, "\($0): missing in the candidate") }
    cases += unexpectedKeys.map { ($0, "\($0): unexpected (not in the reference)") }
    let failures = cases.filter { $0.failure != nil }.count
    let root = XMLElement(name: "testsuites")
    root.addAttributes([
      ("name", "repro compare"), ("tests", String(cases.count)), ("failures", String(failures)),
      ("errors", "0"),
    ])
    let suite = XMLElement(name: "testsuite")
    suite.addAttributes([
      ("name", "\(reference) vs \(candidate)"), ("tests", String(cases.count)),
      ("failures", String(failures)), ("errors", "0"), ("skipped", "0"),
    ])
    for c in cases {
      let e = XMLElement(name: "testcase")
      e.addAttributes([("name", c.name), ("classname", "repro.compare")])
      if let text = c.failure {
        let f = XMLElement(name: "failure", stringValue: JUnitReport.xmlSafe(text))
        f.addAttributes([("message", text), ("type", "ComparisonFailure")])
        e.addChild(f)
      }
      suite.addChild(e)
    }
    root.addChild(suite)
    let doc = XMLDocument(rootElement: root)
    doc.version = "1.0"
    doc.characterEncoding = "UTF-8"
    return doc.xmlData(options: [.nodePrettyPrint])
  }
}
