public import ReproTensor

/// Where to put each storage on load: `torch.load`'s `map_location`.
///
/// Without a map location (`nil`) every storage keeps the device tag written in the file, so a
/// `cuda:0` checkpoint loads on any machine and stays inspectable; compute that needs the
/// device is refused later by `Checkpoint.requireComputable(on:)`.
///
/// ```swift
/// try TorchFile.load(contentsOf: url, mapLocation: .device(.cpu))             // map_location='cpu'
/// try TorchFile.load(contentsOf: url, mapLocation: .mapping(["cuda:1": "cuda:0"]))
/// try TorchFile.load(contentsOf: url, mapLocation: .closure { _ in .cpu })
/// ```
public enum MapLocation: Sendable {
  /// Every storage goes to this device (`map_location='cpu'` / `torch.device(...)`).
  case device(Device)
  /// File tags found in the dictionary are replaced; others are kept
  /// (`map_location={'cuda:1': 'cuda:0'}`).
  case mapping([String: String])
  /// Called once per storage, at its first reference, with the file's tag; `nil` keeps the tag
  /// (a callable `map_location`).
  case closure(@Sendable (Device) -> Device?)

  /// The device a storage tagged `tag` in the file goes to.
  ///
  /// - Throws: `FormatError.Code.corrupt` when a tag (or a mapped value) is not a device,
  ///   with torch's wording.
  public func resolve(_ tag: String) throws(FormatError) -> Device {
    switch self {
    case .device(let d): return d
    case .mapping(let m): return try MapLocation.parse(m[tag] ?? tag)
    case .closure(let f):
      let d = try MapLocation.parse(tag)
      return f(d) ?? d
    }
  }

  /// Parses a location tag from a file (`cpu`, `cuda:0`).
  static func parse(_ tag: String) throws(FormatError) -> Device {
    do {
      return try Device(parsing: tag)
    } catch {
      throw FormatError(
        .corrupt,
        "don't know how to restore data location of torch.storage.UntypedStorage (tagged with \(tag))",
        cause: error)
    }
  }
}
