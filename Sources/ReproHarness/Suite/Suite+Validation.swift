import ReproFormat
import ReproNN
import ReproTensor

extension Suite {
  /// The formats a `[[roundtrip]]` entry may name.
  static let roundTripFormats = CheckpointFormat.allCases.filter(\.canWrite).map(\.rawValue)
  /// The load routes a `[[roundtrip]]` entry may name.
  static let roundTripRoutes = ["plain", "mmap", "non_strict", "data_parallel"]
  /// The dtypes a model may be cast to.
  static let modelDtypes = ["float32", "float16", "bfloat16", "float64"]

  /// Checks what decoding cannot: tolerances, names of dtypes, formats, routes and devices,
  /// model specs, map locations, and that no two entries of a table share a name.
  ///
  /// - Throws: `HarnessError.Code.invalidSuite` naming the file, the line and the key.
  func validate(locator: SuiteFileLocator) throws(HarnessError) {
    func fail(_ table: String, _ index: Int, _ key: String?, _ text: String) -> HarnessError {
      let line = locator.line(table: table, index: index, key: key)
      let what = key.map { "key '\($0)' in " } ?? ""
      return HarnessError(
        .invalidSuite, "\(displayPath):\(line): \(what)\(Self.entryTitle(table, index)): \(text)")
    }
    func check(_ table: String, _ index: Int, _ key: String, _ values: [String], in known: [String])
      throws(HarnessError)
    {
      for v in values where !known.contains(v) {
        throw fail(
          table, index, key, "unknown value '\(v)'; one of \(known.joined(separator: ", "))")
      }
    }
    func checkLocation(_ table: String, _ index: Int, _ text: String?) throws(HarnessError) {
      guard let text, Self.mapLocation(text) == nil else { return }
      throw fail(
        table, index, "map_location",
        "'\(text)' is not a device (cpu, cuda:0) or a list of from=to devices")
    }
    func checkNames(_ table: String, _ names: [String]) throws(HarnessError) {
      var seen: [String: Int] = [:]
      for (i, n) in names.enumerated() {
        if let first = seen[n] {
          throw fail(table, i, nil, "the name '\(n)' is already used by entry #\(first + 1)")
        }
        seen[n] = i
      }
    }

    func checkTolerance(_ table: String, _ index: Int, _ rtol: Double?, _ atol: Double?)
      throws(HarnessError)
    {
      if (rtol == nil) != (atol == nil) {
        throw fail(table, index, rtol == nil ? "atol" : "rtol", "rtol and atol go together")
      }
      for (key, v) in [("rtol", rtol), ("atol", atol)] {
        if let v, !(v >= 0 && v.isFinite) {
          throw fail(table, index, key, "must be finite and not negative")
        }
      }
    }

    let d = definition
    for (i, e) in d.compare.enumerated() {
      try checkTolerance("compare", i, e.rtol, e.atol)
      if e.bitwise && e.rtol != nil { throw fail("compare", i, "bitwise", "takes no tolerance") }
      if e.maxULP != nil && (e.bitwise || e.rtol != nil) {
        throw fail("compare", i, "max_ulp", "takes neither bitwise nor rtol/atol")
      }
      try checkLocation("compare", i, e.mapLocation)
    }
    for (i, e) in d.roundtrip.enumerated() {
      try checkTolerance("roundtrip", i, e.rtol, e.atol)
      try check("roundtrip", i, "formats", e.formats, in: Self.roundTripFormats)
      try check("roundtrip", i, "dtypes", e.dtypes, in: Self.modelDtypes)
      try check("roundtrip", i, "routes", e.routes, in: Self.roundTripRoutes)
      for device in e.devices where (try? Device(parsing: device)) == nil {
        throw fail("roundtrip", i, "devices", "'\(device)' is not a device (cpu, cuda:0, ...)")
      }
      try checkLocation("roundtrip", i, e.mapLocation)
    }
    for (i, e) in d.golden.enumerated() { try checkLocation("golden", i, e.mapLocation) }
    for (i, e) in d.generate.enumerated() {
      do {
        _ = try ModelSpec(parsing: e.model)
      } catch {
        throw fail("generate", i, "model", error.description)
      }
      try check("generate", i, "dtypes", e.dtypes, in: Self.modelDtypes)
      if e.seeds.isEmpty { throw fail("generate", i, "seeds", "needs at least one seed") }
      if e.dtypes.isEmpty { throw fail("generate", i, "dtypes", "needs at least one dtype") }
    }
    try checkNames("compare", d.compare.map(\.displayName))
    try checkNames("roundtrip", d.roundtrip.map(\.displayName))
    try checkNames("golden", d.golden.map(\.displayName))
    try checkNames("generate", d.generate.map(\.displayName))
  }

  /// Parses `map_location` text as `--map-location` does: a device (`cpu`) or comma-separated
  /// `from=to` devices; nil when a device is not one `Device(parsing:)` accepts.
  static func mapLocation(_ text: String) -> MapLocation? {
    guard text.contains("=") else {
      return (try? Device(parsing: text)).map { .device($0) }
    }
    var mapping: [String: String] = [:]
    for pair in text.split(separator: ",") {
      let parts = pair.split(separator: "=", maxSplits: 1).map {
        String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
      }
      guard parts.count == 2, (try? Device(parsing: parts[0])) != nil,
        (try? Device(parsing: parts[1])) != nil
      else { return nil }
      mapping[parts[0]] = parts[1]
    }
    return .mapping(mapping)
  }
}
