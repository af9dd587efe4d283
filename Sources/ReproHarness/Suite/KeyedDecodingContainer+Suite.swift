import Foundation

/// The value shapes suite files allow beyond what Codable decodes directly: a string or a list
/// of strings, an integer where a float is expected, a map location as a string or a table.
extension KeyedDecodingContainer {
  /// A string or a list of strings (`strip_prefix = "module."` or `["module.", "model."]`);
  /// empty when the key is absent.
  func decodeStrings(forKey key: Key) throws -> [String] {
    guard contains(key) else { return [] }
    if let one = try? decode(String.self, forKey: key) { return [one] }
    return try decode([String].self, forKey: key)
  }

  /// A TOML float or integer (`atol = 0`), or nil when the key is absent.
  func decodeNumber(forKey key: Key) throws -> Double? {
    guard contains(key) else { return nil }
    if let integer = try? decode(Int.self, forKey: key) { return Double(integer) }
    return try decode(Double.self, forKey: key)
  }

  /// `map_location` as the text `--map-location` takes: a string as written (`cpu`,
  /// `cuda:1=cuda:0`), or a table `{ "cuda:1" = "cuda:0" }` joined as `cuda:1=cuda:0`.
  func decodeMapLocation(forKey key: Key) throws -> String? {
    guard contains(key) else { return nil }
    if let text = try? decode(String.self, forKey: key) { return text }
    let table = try decode([String: String].self, forKey: key)
    return table.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
  }

  /// `rename` as a list of `FROM=TO` strings (in order) or a table `{ FROM = "TO" }` (in key
  /// order); empty when absent.
  func decodeRenames(forKey key: Key) throws -> [FileComparison.KeyRename] {
    guard contains(key) else { return [] }
    if let table = try? decode([String: String].self, forKey: key) {
      return table.sorted { $0.key < $1.key }.map {
        FileComparison.KeyRename(from: $0.key, to: $0.value)
      }
    }
    let texts = try decode([String].self, forKey: key)
    return try texts.enumerated().map { i, text in
      guard let rename = FileComparison.KeyRename(parsing: text) else {
        throw DecodingError.dataCorruptedError(
          forKey: key, in: self, debugDescription: "item \(i + 1) '\(text)' is not FROM=TO")
      }
      return rename
    }
  }
}
