public import ArgumentParser
public import ReproTensor

/// A device value such as `--device-tag cuda:0` (`cpu`, `cuda:N`, `mps`, `meta`).
public struct DeviceArgument: ExpressibleByArgument, Sendable {
  /// The parsed device.
  public let device: Device

  /// Parses a device name, or returns nil when `Device(parsing:)` refuses it.
  public init?(argument: String) {
    guard let device = try? Device(parsing: argument) else { return nil }
    self.device = device
  }
}
