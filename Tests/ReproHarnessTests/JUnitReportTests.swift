import Foundation
import ReproHarness
import ReproTestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct JUnitReportTests {
  static let schemaURL = Repository.root.appendingPathComponent(
    "Tests/ReproHarnessTests/Resources/junit-10.xsd")

  func sampleRun() throws -> RunResult {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-harness")
    defer { try? FileManager.default.removeItem(at: scratch) }
    return try RunResult.merged(SampleResults.makeShards(scratch: scratch))
  }

  @Test func sampleRunIsValidAgainstTheJUnitSchema() throws {
    let data = JUnitReport.data(for: try sampleRun())
    let errors = try XMLSchemaValidator(schemaAt: Self.schemaURL).errors(in: data)
    #expect(errors.isEmpty, "\(errors)")
  }

  @Test func schemaRejectsWhatJUnitConsumersReject() throws {
    let validator = try XMLSchemaValidator(schemaAt: Self.schemaURL)
    // A test case without a name, and a time with four decimals.
    let noName = Data(
      "<testsuites><testsuite name=\"m\" tests=\"1\"><testcase classname=\"c\"/></testsuite></testsuites>"
        .utf8)
    #expect(!validator.errors(in: noName).isEmpty)
    let badTime = Data(
      "<testsuites><testsuite name=\"m\" tests=\"1\" time=\"0.1234\"/></testsuites>".utf8)
    #expect(!validator.errors(in: badTime).isEmpty)
    #expect(
      validator.errors(in: Data("<testsuites>".utf8)) == ["the document is not well-formed XML"])
  }

  @Test func suitesCountTheirCasesAndCarryTheAxes() throws {
    let run = try sampleRun()
    let doc = try XMLDocument(data: JUnitReport.data(for: run))
    let suites = try doc.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
    #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == run.models)
    let root = try #require(doc.rootElement())
    #expect(root.attribute(forName: "tests")?.stringValue == String(run.cases.count))
    for suite in suites {
      let model = suite.attribute(forName: "name")?.stringValue ?? ""
      let cases = run.cases.filter { $0.model == model }
      let s = RunResult.Summary(cases)
      #expect(suite.attribute(forName: "tests")?.stringValue == String(s.tests))
      #expect(suite.attribute(forName: "failures")?.stringValue == String(s.failures))
      #expect(suite.attribute(forName: "errors")?.stringValue == String(s.errors))
      #expect(suite.attribute(forName: "skipped")?.stringValue == String(s.skipped))
      #expect(suite.attribute(forName: "hostname")?.stringValue == run.environment.hostname)
      #expect(try suite.nodes(forXPath: "testcase").count == cases.count)
      #expect(try suite.nodes(forXPath: "testcase/failure").count == s.failures)
      let props = try suite.nodes(forXPath: "properties/property").compactMap { $0 as? XMLElement }
      let names = props.compactMap { $0.attribute(forName: "name")?.stringValue }
      #expect(
        names.contains("pytorch.compatibility") && names.contains("axis.dtype")
          && names.contains("openblas.threads"))
    }
    // The failure text is the comparison's full message, naming the tensor and the golden.
    let failure = try #require(try doc.nodes(forXPath: "//testcase/failure").first as? XMLElement)
    #expect(failure.attribute(forName: "type")?.stringValue == "ComparisonFailure")
    #expect(failure.stringValue?.contains("The failure occurred for item ['0.weight']") == true)
    #expect(failure.stringValue?.contains("Golden: Golden/pytorch/interop/") == true)
  }

  @Test func hostileTextSurvivesEscaping() throws {
    let nasty = "a<b>&\"c\"'d' ]]> \u{1}\u{7} é 𝜋\nline2"
    let c = CaseResult(
      id: "id " + nasty, model: "m<&>", axes: ["dtype": nasty], status: .fail,
      failure: CaseResult.Failure(message: nasty, type: "T<", details: nasty))
    let run = RunResult(
      environment: SampleResults.environment, cases: [c], startedAt: Date(), duration: 1)
    let data = JUnitReport.data(for: run)
    #expect(try XMLSchemaValidator(schemaAt: Self.schemaURL).errors(in: data).isEmpty)
    let doc = try XMLDocument(data: data)
    let testcase = try #require(try doc.nodes(forXPath: "//testcase").first as? XMLElement)
    let safe = "a<b>&\"c\"'d' ]]> \u{FFFD}\u{FFFD} é 𝜋\nline2"
    #expect(testcase.attribute(forName: "name")?.stringValue == "id " + safe)
    let failure = try #require(testcase.elements(forName: "failure").first)
    #expect(failure.attribute(forName: "message")?.stringValue == safe)
    #expect(failure.stringValue == safe)
  }
}
