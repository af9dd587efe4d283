import ReproFormat
import ReproTensor

extension Suite {
  /// The `[[roundtrip]]` entry as a `RoundTripCheck`: paths resolved against the suite file,
  /// names parsed (`validate` checked them), empty lists taking the check's defaults (torch and
  /// safetensors, the file's own dtypes, `cpu`, `plain`).
  public func roundTripCheck(_ entry: RoundTripEntry) -> RoundTripCheck {
    let tolerance = entry.rtol.flatMap { r in
      entry.atol.map { Tolerance(relative: r, absolute: $0) }
    }
    return RoundTripCheck(
      name: entry.displayName, checkpoint: resolve(entry.checkpoint),
      formats: entry.formats.isEmpty
        ? [.torch, .safetensors] : entry.formats.compactMap(CheckpointFormat.init(rawValue:)),
      dtypes: entry.dtypes.compactMap(DType.init(pytorchName:)),
      devices: entry.devices.isEmpty
        ? [.cpu] : entry.devices.compactMap { try? Device(parsing: $0) },
      routes: entry.routes.isEmpty
        ? [.plain] : entry.routes.compactMap(RoundTripCheck.Route.init(rawValue:)),
      policy: entry.trust ? .trusted : .weightsOnly,
      mapLocation: entry.mapLocation.flatMap(Suite.mapLocation), tolerance: tolerance)
  }

  /// The `[[golden]]` entry as a `GoldenFileCheck`, its golden under `<golden_dir>/files/`.
  public func goldenFileCheck(_ entry: GoldenEntry) -> GoldenFileCheck {
    GoldenFileCheck(
      name: entry.displayName, file: resolve(entry.file),
      policy: entry.trust ? .trusted : .weightsOnly,
      mapLocation: entry.mapLocation.flatMap(Suite.mapLocation))
  }

  /// The cases of the `[[roundtrip]]` and `[[golden]]` entries, each with the entry's `name`
  /// axis added (as every suite case has).
  func extraCases() -> [any SuiteCase] {
    definition.roundtrip.flatMap { entry in
      roundTripCheck(entry).cases().map { NamedCase(base: $0, name: entry.displayName) }
    }
      + definition.golden.flatMap { entry in
        goldenFileCheck(entry).cases().map { NamedCase(base: $0, name: entry.displayName) }
      }
  }

  /// The axes of the `[[roundtrip]]` and `[[golden]]` cases beyond `kind`.
  func extraAxisNames() -> Set<String> {
    var names: Set<String> = []
    if !definition.roundtrip.isEmpty {
      names.formUnion(["file", "format", "dtype", "device", "route"])
    }
    if !definition.golden.isEmpty { names.insert("file") }
    return names
  }
}
