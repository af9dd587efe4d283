public import ArgumentParser
import Foundation
public import ReproFormat
import ReproTensor

/// A `--map-location` value, as `torch.load`'s `map_location`: a device (`cpu`, `cuda:0`) or a
/// mapping such as `cuda:1=cuda:0,cuda:2=cpu`.
public struct MapLocationArgument: ExpressibleByArgument, Sendable {
  /// The parsed location.
  public let location: MapLocation

  /// Parses a device or a comma-separated list of `from=to` devices, or returns nil when a
  /// device name is not one `Device(parsing:)` accepts.
  public init?(argument: String) {
    guard argument.contains("=") else {
      guard let device = try? Device(parsing: argument) else { return nil }
      location = .device(device)
      return
    }
    var mapping: [String: String] = [:]
    for pair in argument.split(separator: ",") {
      let parts = pair.split(separator: "=", maxSplits: 1).map {
        String($0).trimmingCharacters(in: .whitespaces)
      }
      guard parts.count == 2, (try? Device(parsing: parts[0])) != nil,
        (try? Device(parsing: parts[1])) != nil
      else { return nil }
      mapping[parts[0]] = parts[1]
    }
    location = .mapping(mapping)
  }

  /// What happens without the option.
  public static var defaultValueDescription: String { "keep the devices written in the file" }
}
