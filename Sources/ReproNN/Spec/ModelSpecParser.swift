/// A recursive-descent parser for `ModelSpec` over the characters of the text.
struct ModelSpecParser {
  private let chars: [Character]
  private let source: String
  private var pos = 0
  private var depth = 0
  private static let maxDepth = 64

  init(_ text: String) {
    source = text
    chars = Array(text)
  }

  private func error(_ message: String, at offset: Int? = nil) -> NNError {
    NNError.invalidSpec(message, source: source, offset: offset ?? pos)
  }

  private mutating func skipSpaces() {
    while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
  }

  private func peek() -> Character? { pos < chars.count ? chars[pos] : nil }

  private var describeNext: String {
    guard let c = peek() else { return "end of spec" }
    return "'\(c)'"
  }

  mutating func parseSpec() throws(NNError) -> ModelSpec.Call {
    skipSpaces()
    guard peek() != nil else { throw error("empty model spec") }
    let start = pos
    let value = try parseValue()
    skipSpaces()
    if pos < chars.count { throw error("unexpected \(describeNext) after the model") }
    guard case .call(let call) = value else {
      throw error(
        "a model spec must be a constructor call such as Linear(4, 2) or a zoo name, not \(value)",
        at: start)
    }
    return call
  }

  private mutating func parseValue() throws(NNError) -> ModelSpec.Value {
    skipSpaces()
    guard let c = peek() else { throw error("expected a value but the spec ended") }
    if c.isLetter || c == "_" { return try parseNameOrCall() }
    if c.isNumber || c == "-" || c == "+" || c == "." { return try parseNumber() }
    if c == "'" || c == "\"" { return .string(try parseString()) }
    if c == "(" || c == "[" { return try parseTuple() }
    throw error("unexpected '\(c)'")
  }

  private mutating func parseIdentifier() -> String {
    let start = pos
    while pos < chars.count,
      chars[pos].isLetter || chars[pos].isNumber || chars[pos] == "_" || chars[pos] == "."
    {
      pos += 1
    }
    return String(chars[start..<pos])
  }

  private mutating func parseNameOrCall() throws(NNError) -> ModelSpec.Value {
    let start = pos
    let dotted = parseIdentifier()
    if dotted.hasSuffix(".") || dotted.contains("..") {
      throw error("malformed name '\(dotted)'", at: start)
    }
    switch dotted {
    case "True": return .bool(true)
    case "False": return .bool(false)
    case "None": return .none
    default: break
    }
    let name = String(dotted.split(separator: ".").last ?? "")
    skipSpaces()
    guard peek() == "(" else { return .call(ModelSpec.Call(name: name, offset: start)) }
    depth += 1
    defer { depth -= 1 }
    if depth > ModelSpecParser.maxDepth {
      throw error("nesting deeper than \(ModelSpecParser.maxDepth) levels")
    }
    pos += 1
    var call = ModelSpec.Call(name: name, offset: start)
    skipSpaces()
    if peek() == ")" {
      pos += 1
      return .call(call)
    }
    while true {
      skipSpaces()
      let argStart = pos
      // A keyword argument is `identifier =` (not `==`).
      if let c = peek(), c.isLetter || c == "_" {
        let save = pos
        let key = parseIdentifier()
        skipSpaces()
        if peek() == "=", !key.contains(".") {
          pos += 1
          if call.keywords.contains(where: { $0.name == key }) {
            throw error("keyword argument repeated: \(key)", at: argStart)
          }
          call.keywords.append((key, try parseValue()))
        } else {
          pos = save
          if !call.keywords.isEmpty {
            throw error("positional argument follows keyword argument", at: argStart)
          }
          call.positional.append(try parseValue())
        }
      } else {
        if !call.keywords.isEmpty {
          throw error("positional argument follows keyword argument", at: argStart)
        }
        call.positional.append(try parseValue())
      }
      skipSpaces()
      switch peek() {
      case ",":
        pos += 1
        skipSpaces()
        if peek() == ")" {
          pos += 1
          return .call(call)
        }
      case ")":
        pos += 1
        return .call(call)
      default:
        throw error(
          "expected ',' or ')' in the arguments of \(name)(...) but found \(describeNext)")
      }
    }
  }

  private mutating func parseNumber() throws(NNError) -> ModelSpec.Value {
    let start = pos
    if peek() == "-" || peek() == "+" { pos += 1 }
    var isFloat = false
    while let c = peek(),
      c.isNumber || c == "." || c == "e" || c == "E" || c == "_"
        || ((c == "-" || c == "+") && (chars[pos - 1] == "e" || chars[pos - 1] == "E"))
    {
      if c == "." || c == "e" || c == "E" { isFloat = true }
      pos += 1
    }
    let text = String(chars[start..<pos].filter { $0 != "_" })
    if !isFloat, let i = Int(text) { return .int(i) }
    if isFloat, let d = Double(text) { return .float(d) }
    throw error("invalid number '\(text)'", at: start)
  }

  private mutating func parseString() throws(NNError) -> String {
    let quote = chars[pos]
    let start = pos
    pos += 1
    var out = ""
    while let c = peek() {
      pos += 1
      if c == quote { return out }
      out.append(c)
    }
    throw error("unterminated string", at: start)
  }

  private mutating func parseTuple() throws(NNError) -> ModelSpec.Value {
    let open = chars[pos]
    let close: Character = open == "(" ? ")" : "]"
    pos += 1
    depth += 1
    defer { depth -= 1 }
    if depth > ModelSpecParser.maxDepth {
      throw error("nesting deeper than \(ModelSpecParser.maxDepth) levels")
    }
    var items: [ModelSpec.Value] = []
    skipSpaces()
    if peek() == close {
      pos += 1
      return .tuple(items)
    }
    var sawComma = false
    while true {
      items.append(try parseValue())
      skipSpaces()
      if peek() == "," {
        pos += 1
        sawComma = true
        skipSpaces()
        if peek() == close {
          pos += 1
          break
        }
      } else if peek() == close {
        pos += 1
        break
      } else {
        throw error("expected ',' or '\(close)' but found \(describeNext)")
      }
    }
    // `(5)` is just 5 in Python; `(5,)` and `[5]` are sequences.
    if open == "(" && items.count == 1 && !sawComma { return items[0] }
    return .tuple(items)
  }
}
