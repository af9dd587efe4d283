public import Foundation

/// Structural differences between two JSON documents, as `path: golden … actual …` lines.
public enum JSONDiff {
  /// The differences between a golden and an actual document (empty when equal as JSON).
  ///
  /// Paths join object keys and array indices with `/`; values are shown in JSON.
  public static func differences(golden: Data, actual: Data) throws -> [String] {
    let a = try JSONSerialization.jsonObject(with: golden, options: [.fragmentsAllowed])
    let b = try JSONSerialization.jsonObject(with: actual, options: [.fragmentsAllowed])
    var out: [String] = []
    walk(a, b, path: "", into: &out)
    return out
  }

  static func walk(_ a: Any, _ b: Any, path: String, into out: inout [String]) {
    switch (a, b) {
    case (let x as [String: Any], let y as [String: Any]):
      for key in Set(x.keys).union(y.keys).sorted() {
        let p = path.isEmpty ? key : path + "/" + key
        switch (x[key], y[key]) {
        case (let u?, let v?): walk(u, v, path: p, into: &out)
        case (let u?, nil):
          out.append("\(p): in the golden (\(render(u))) but not in the actual document")
        case (nil, let v?): out.append("\(p): new in the actual document (\(render(v)))")
        default: break
        }
      }
    case (let x as [Any], let y as [Any]):
      if x.count != y.count {
        out.append("\(path): golden has \(x.count) items, actual \(y.count)")
      }
      for i in 0..<min(x.count, y.count) {
        walk(x[i], y[i], path: path + "/" + String(i), into: &out)
      }
    default:
      if render(a) != render(b) { out.append("\(path): golden \(render(a)), actual \(render(b))") }
    }
  }

  static func render(_ v: Any) -> String {
    if let s = v as? String { return "\"\(s)\"" }
    if v is NSNull { return "null" }
    if let data = try? JSONSerialization.data(
      withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys])
    {
      let text = String(decoding: data, as: UTF8.self)
      return text.count > 120 ? String(text.prefix(117)) + "..." : text
    }
    return String(describing: v)
  }
}
