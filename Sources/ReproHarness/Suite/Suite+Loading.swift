public import Foundation
import TOMLKit

extension Suite {
  /// Reads a suite file, decodes it with TOMLKit and checks every value.
  ///
  /// Errors name the file, the line and the key: a TOML syntax error
  /// (`repro.toml:3:9: …`), an unknown key, a value of the wrong type, a missing required key,
  /// or a value Repro does not know (a dtype, a format, a model spec, a `map_location`).
  ///
  /// - Parameters:
  ///   - url: the suite file.
  ///   - displayPath: how messages name the file (default: the URL's relative path).
  /// - Throws: `HarnessError.Code.io` when the file cannot be read, `.invalidSuite` otherwise.
  public static func load(from url: URL, displayPath: String? = nil) throws(HarnessError) -> Suite {
    let shown = displayPath ?? url.relativePath
    let text: String
    do {
      text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
    } catch {
      throw HarnessError(.io, "\(shown): cannot read the suite file", cause: error)
    }
    let locator = SuiteFileLocator(text: text)
    let table: TOMLTable
    do {
      table = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      let at = error.source.begin
      throw HarnessError(
        .invalidSuite, "\(shown):\(at.line):\(at.column): not valid TOML: \(error.description)")
    } catch {
      throw HarnessError(.invalidSuite, "\(shown): not valid TOML: \(error)")
    }
    let definition: SuiteFile
    do {
      definition = try TOMLDecoder(strictDecoding: true).decode(SuiteFile.self, from: table)
    } catch let error as UnexpectedKeysError {
      throw unknownKeyError(error, in: shown, locator: locator)
    } catch let error as DecodingError {
      throw decodingError(error, in: shown, table: table, locator: locator)
    } catch {
      throw HarnessError(.invalidSuite, "\(shown): \(error)")
    }
    let suite = Suite(file: url, displayPath: shown, definition: definition)
    try suite.validate(locator: locator)
    return suite
  }

  /// Where a coding path points: the table (`""` at the top level), the entry and the key.
  static func place(of path: [any CodingKey]) -> (table: String, index: Int?, key: String?) {
    if path.count >= 2, let index = path[1].intValue {
      return (path[0].stringValue, index, path.count > 2 ? path[2].stringValue : nil)
    }
    return ("", nil, path.first?.stringValue)
  }

  /// `[[compare]] #2` or `the top level`.
  static func entryTitle(_ table: String, _ index: Int?) -> String {
    index.map { "\(SuiteSchema.title(of: table)) #\($0 + 1)" } ?? SuiteSchema.title(of: table)
  }

  static func unknownKeyError(
    _ error: UnexpectedKeysError, in shown: String, locator: SuiteFileLocator
  ) -> HarnessError {
    let found = error.keys.values.map { path -> (line: Int, text: String) in
      let (table, index, key) = place(of: path)
      let keyName = key ?? "?"
      let known = SuiteSchema.tables[table]?.map(\.name) ?? []
      let line = locator.line(table: table, index: index, key: keyName)
      let location =
        table.isEmpty && index == nil ? "at the top level" : "in \(entryTitle(table, index))"
      var text = "\(shown):\(line): unknown key '\(keyName)' \(location)"
      if !known.isEmpty { text += "; known keys: \(known.joined(separator: ", "))" }
      return (line, text)
    }.sorted { $0.line < $1.line }
    return HarnessError(.invalidSuite, found.map(\.text).joined(separator: "\n"))
  }

  static func decodingError(
    _ error: DecodingError, in shown: String, table: TOMLTable, locator: SuiteFileLocator
  ) -> HarnessError {
    let path: [any CodingKey]
    var explanation: String?
    switch error {
    case .keyNotFound(let key, let context):
      path =
        context.codingPath.last?.stringValue == key.stringValue
        ? context.codingPath : context.codingPath + [key]
    case .dataCorrupted(let context):
      path = context.codingPath
      explanation = context.debugDescription
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      path = context.codingPath
    @unknown default:
      return HarnessError(.invalidSuite, "\(shown): \(error)")
    }
    let (tableName, index, key) = place(of: path)
    let keyName = key ?? tableName
    let line = locator.line(table: tableName, index: index, key: key)
    let owner = index == nil ? "" : " in \(entryTitle(tableName, index))"
    if let explanation {
      return HarnessError(
        .invalidSuite, "\(shown):\(line): key '\(keyName)'\(owner): \(explanation)")
    }
    guard let actual = value(at: path, in: table) else {
      return HarnessError(
        .invalidSuite, "\(shown):\(line): missing the required key '\(keyName)'\(owner)")
    }
    let schemaTable = index == nil ? "" : tableName
    let expected =
      SuiteSchema.key(keyName, in: schemaTable)?.type ?? "another type"
    var found = actual.type.description
    if path.count > (index == nil ? 1 : 3), let item = path.last?.intValue {
      found += " at item \(item + 1)"
    }
    return HarnessError(
      .invalidSuite,
      "\(shown):\(line): key '\(keyName)'\(owner) must be \(expected), not \(found.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(found) (\(actual.debugDescription))"
    )
  }

  /// The raw TOML value at a coding path, or nil when there is none.
  static func value(at path: [any CodingKey], in table: TOMLTable) -> (any TOMLValueConvertible)? {
    var node: (any TOMLValueConvertible)? = table
    for key in path {
      if let i = key.intValue {
        guard let array = node?.array, i >= 0, i < array.count else { return nil }
        node = array[i]
      } else {
        node = node?.table?[key.stringValue]
      }
    }
    return node
  }
}
