import ReproFormat

extension FileComparison {
  /// The entries of a checkpoint under their mapped keys, filtered by `only` and `ignore`, each
  /// with its original key.
  static func mappedEntries(of checkpoint: Checkpoint, isCandidate: Bool, options: Options)
    -> [(original: String, entry: Inventory.Entry)]
  {
    Inventory(of: checkpoint).entries.compactMap { entry in
      var e = entry
      e.path = mapKey(entry.path, isCandidate: isCandidate, options: options)
      if !options.only.isEmpty, !options.only.contains(where: { glob($0, matches: e.path) }) {
        return nil
      }
      if options.ignore.contains(where: { glob($0, matches: e.path) }) { return nil }
      return (entry.path, e)
    }
  }

  /// A key after `--strip-prefix` (either file), `--add-prefix` (the candidate) and `--rename`
  /// (either file; the first rename that applies).
  static func mapKey(_ key: String, isCandidate: Bool, options: Options) -> String {
    var path = strip(key, prefixes: options.stripPrefixes)
    if isCandidate, let prefix = options.addPrefix { path = prefix + path }
    for rename in options.renames {
      if let renamed = rename.apply(to: path) { return renamed }
    }
    return path
  }

  /// The mapped keys several entries of one file share.
  static func duplicates(_ entries: [(original: String, entry: Inventory.Entry)], file: String)
    -> [DuplicateKey]
  {
    var sources: [String: [String]] = [:]
    var order: [String] = []
    for (original, e) in entries {
      if sources[e.path] == nil { order.append(e.path) }
      sources[e.path, default: []].append(original)
    }
    return order.compactMap { key in
      guard let originals = sources[key], originals.count > 1 else { return nil }
      return DuplicateKey(key: key, file: file, originalKeys: originals)
    }
  }

  /// Strips the first matching prefix from every `/`-separated component of a path.
  static func strip(_ path: String, prefixes: [String]) -> String {
    guard !prefixes.isEmpty else { return path }
    return path.split(separator: "/", omittingEmptySubsequences: false).map { part in
      for p in prefixes where !p.isEmpty && part.hasPrefix(p) {
        return String(part.dropFirst(p.count))
      }
      return String(part)
    }.joined(separator: "/")
  }

  /// Shell-style matching of a whole path: `*` any run of characters (slashes included), `?` one.
  static func glob(_ pattern: String, matches text: String) -> Bool {
    let p = Array(pattern)
    let t = Array(text)
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
        pi += 1
        ti += 1
      } else if pi < p.count && p[pi] == "*" {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
