import CLibXML2
import Foundation

/// Validates XML documents against an XML Schema with libxml2 (`xmlSchemaValidateDoc`), the
/// validator `xmllint --schema` uses, collecting its messages.
final class XMLSchemaValidator {
  private let schema: xmlSchemaPtr

  init(schemaAt url: URL) throws {
    guard let parser = xmlSchemaNewParserCtxt(url.path) else {
      throw TestSupportError("cannot open \(url.path)")
    }
    defer { xmlSchemaFreeParserCtxt(parser) }
    guard let schema = xmlSchemaParse(parser) else {
      throw TestSupportError("\(url.path) is not a valid XML Schema")
    }
    self.schema = schema
  }

  deinit { xmlSchemaFree(schema) }

  /// The validation errors of `data` (empty when valid).
  ///
  /// A document that does not parse gives
  /// one error.
  func errors(in data: Data) -> [String] {
    let doc = data.withUnsafeBytes { raw in
      xmlReadMemory(
        raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), "junit.xml", nil,
        Int32(XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NONET.rawValue))
    }
    guard let doc else { return ["the document is not well-formed XML"] }
    defer { xmlFreeDoc(doc) }
    guard let ctxt = xmlSchemaNewValidCtxt(schema) else {
      return ["cannot create a validation context"]
    }
    defer { xmlSchemaFreeValidCtxt(ctxt) }
    let box = ErrorBox()
    let opaque = Unmanaged.passUnretained(box).toOpaque()
    xmlSchemaSetValidStructuredErrors(
      ctxt,
      { context, error in
        guard let context, let error else { return }
        let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        box.messages.append(
          "line \(error.pointee.line): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
      }, opaque)
    let rc = xmlSchemaValidateDoc(ctxt, doc)
    if rc != 0 && box.messages.isEmpty { box.messages.append("validation failed with code \(rc)") }
    return box.messages
  }

  private final class ErrorBox {
    var messages: [String] = []
  }
}
