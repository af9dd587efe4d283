/// Finds the line of a key in a suite file's text, for error messages (`repro.toml:12`).
///
/// TOMLKit reports the position of syntax errors but not of decoded values, so the locator
/// reads the text itself: `[[table]]` headers count the entries of each array of tables, and a
/// key is the first line of its entry that starts with it (`key =`, `"key" =`, `key.sub =`).
/// Inline arrays of tables fall back to the line of the array's key.
struct SuiteFileLocator: Sendable {
  /// A header or key line.
  struct Mark: Sendable {
    var line: Int
    /// The table the line belongs to (`""` at the top level).
    var table: String
    /// The entry of that table (0-based), nil at the top level.
    var index: Int?
    /// The key the line sets, nil for a header.
    var key: String?
  }

  let marks: [Mark]

  init(text: String) {
    var marks: [Mark] = []
    var table = ""
    var index: Int?
    var counts: [String: Int] = [:]
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.drop { $0 == " " || $0 == "\t" }
      if line.hasPrefix("[[") {
        let name = line.dropFirst(2).prefix { $0 != "]" }.trimmingSpaces
        table = name
        index = counts[name, default: 0]
        counts[name] = (index ?? 0) + 1
        marks.append(Mark(line: n + 1, table: table, index: index, key: nil))
      } else if line.hasPrefix("[") {
        table = line.dropFirst().prefix { $0 != "]" }.trimmingSpaces
        index = nil
        marks.append(Mark(line: n + 1, table: table, index: nil, key: nil))
      } else if let key = Self.key(of: line) {
        marks.append(Mark(line: n + 1, table: table, index: index, key: key))
      }
    }
    self.marks = marks
  }

  /// The key a line sets, if it starts with a bare or quoted key followed by `=` or `.`.
  static func key(of line: Substring) -> String? {
    var rest = line
    let key: Substring
    if let quote = rest.first, quote == "\"" || quote == "'" {
      rest = rest.dropFirst()
      key = rest.prefix { $0 != quote }
      rest = rest.dropFirst(key.count + 1)
    } else {
      key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
      rest = rest.dropFirst(key.count)
    }
    guard !key.isEmpty else { return nil }
    let next = rest.drop { $0 == " " || $0 == "\t" }.first
    return next == "=" || next == "." ? String(key) : nil
  }

  /// The line of `key` in entry `index` of `table` (or at the top level), else the entry's
  /// header, else the line of the array's own key, else 1.
  func line(table: String, index: Int?, key: String?) -> Int {
    if let key,
      let mark = marks.first(where: { $0.table == table && $0.index == index && $0.key == key })
    {
      return mark.line
    }
    if !table.isEmpty {
      if let header = marks.first(where: { $0.table == table && $0.index == index && $0.key == nil }
      ) {
        return header.line
      }
      if let inline = marks.first(where: { $0.table == "" && $0.key == table }) {
        return inline.line
      }
    }
    return 1
  }
}

extension Substring {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
