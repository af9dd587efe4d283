public import Foundation

/// Reading the JSON the tests compare with: goldens written by the `Scripts/` (Python's `json`)
/// and documents printed by `repro`.
///
/// ```swift
/// struct File: Decodable { var cases: [Case] }
/// let cases = try TestJSON.decode(File.self, golden: "pytorch/nn/init.json").cases
/// let inventory = try TestJSON.object(parsing: Data(output.utf8))
/// ```
public enum TestJSON {
  /// Decodes a file with a plain `JSONDecoder`.
  ///
  /// - Throws: `TestSupportError` naming the file when it cannot be read or decoded.
  public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
    let data = try read(url)
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch {
      throw TestSupportError("\(url.path): cannot decode \(T.self): \(error)")
    }
  }

  /// Decodes a file under `Golden/`, such as `pytorch/nn/init.json`.
  public static func decode<T: Decodable>(_ type: T.Type, golden path: String) throws -> T {
    try decode(type, from: Repository.golden(path))
  }

  /// The top-level object of a JSON file.
  ///
  /// - Throws: `TestSupportError` when the file cannot be read or is not a JSON object.
  public static func object(from url: URL) throws -> [String: Any] {
    do {
      return try object(parsing: try read(url))
    } catch {
      throw TestSupportError("\(url.path): \(error)")
    }
  }

  /// The top-level object of a JSON file under `Golden/`.
  public static func object(golden path: String) throws -> [String: Any] {
    try object(from: Repository.golden(path))
  }

  /// The top-level object of a JSON document.
  ///
  /// - Throws: `TestSupportError` when the data is not JSON or not an object.
  public static func object(parsing data: Data) throws -> [String: Any] {
    let value: Any
    do {
      value = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw TestSupportError("not JSON: \(error)")
    }
    guard let object = value as? [String: Any] else {
      throw TestSupportError("the JSON is a \(type(of: value)), not an object")
    }
    return object
  }

  /// Parses JSON written by Python's `json` module, whose `NaN`, `Infinity` and `-Infinity`
  /// tokens and integers beyond 64 bits Foundation refuses: they become the strings `"NaN"`,
  /// `"Infinity"`, `"-Infinity"` and the integer's digits.
  ///
  /// - Throws: when the rewritten text is still not JSON.
  public static func pythonJSON(_ data: Data) throws -> Any {
    var out: [UInt8] = []
    out.reserveCapacity(data.count + 64)
    let bytes = [UInt8](data)
    var i = 0
    var inString = false
    while i < bytes.count {
      let c = bytes[i]
      if inString {
        out.append(c)
        if c == UInt8(ascii: "\\") && i + 1 < bytes.count {
          out.append(bytes[i + 1])
          i += 2
          continue
        }
        if c == UInt8(ascii: "\"") { inString = false }
        i += 1
        continue
      }
      if c == UInt8(ascii: "\"") { inString = true }
      if isNumberStart(bytes, at: i) {
        let j = numberEnd(bytes, from: i)
        let token = bytes[i..<j]
        let isFloat = token.contains {
          $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
        }
        // More than 18 characters (sign included) may not fit an Int64: keep the digits.
        if !isFloat && token.count > 18 {
          out += [UInt8(ascii: "\"")] + token + [UInt8(ascii: "\"")]
        } else {
          out += token
        }
        i = j
        continue
      }
      if let token = ["-Infinity", "Infinity", "NaN"].first(where: {
        starts(bytes, at: i, with: $0)
      }) {
        out += Array("\"\(token)\"".utf8)
        i += token.utf8.count
        continue
      }
      out.append(c)
      i += 1
    }
    return try JSONSerialization.jsonObject(with: Data(out))
  }

  private static func read(_ url: URL) throws(TestSupportError) -> Data {
    do {
      return try Data(contentsOf: url)
    } catch {
      throw TestSupportError("\(url.path): cannot read: \(error)")
    }
  }

  private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

  private static func isNumberStart(_ bytes: [UInt8], at i: Int) -> Bool {
    isDigit(bytes[i])
      || (bytes[i] == UInt8(ascii: "-") && i + 1 < bytes.count && isDigit(bytes[i + 1]))
  }

  /// The end of the number token starting at `i` (digits, then an optional fraction/exponent).
  private static func numberEnd(_ bytes: [UInt8], from i: Int) -> Int {
    var j = i + 1
    while j < bytes.count, isDigit(bytes[j]) { j += 1 }
    if j < bytes.count,
      [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[j])
    {
      let numberBytes = Set("0123456789.eE+-".utf8)
      while j < bytes.count, numberBytes.contains(bytes[j]) { j += 1 }
    }
    return j
  }

  private static func starts(_ bytes: [UInt8], at i: Int, with token: String) -> Bool {
    let t = Array(token.utf8)
    return bytes.count - i >= t.count && Array(bytes[i..<(i + t.count)]) == t
  }
}
