import Foundation

/// Where a run happened: what a report needs to make its numbers reproducible.
public struct RunEnvironment: Sendable, Hashable, Codable {
  /// The Swift compiler that built Repro (`6.3`).
  public var swiftVersion: String
  /// The operating system (`Debian GNU/Linux 12 (bookworm)`, kernel appended).
  public var operatingSystem: String
  /// The CPU model (`model name` of /proc/cpuinfo).
  public var cpuModel: String
  /// Number of logical CPUs.
  public var cpuCount: Int
  /// The host name (JUnit's `hostname`).
  public var hostname: String
  /// OpenBLAS threads used by the run.
  public var openBLASThreads: Int
  /// The PyTorch version whose behaviour Repro reproduces.
  public var pytorchCompatibilityVersion: String
  /// Repro's version.
  public var reproVersion: String

  /// The PyTorch version Repro is checked against.
  public static let pytorchVersion = "2.13.0"

  /// Creates an environment record.
  public init(
    swiftVersion: String, operatingSystem: String, cpuModel: String, cpuCount: Int,
    hostname: String,
    openBLASThreads: Int, pytorchCompatibilityVersion: String = RunEnvironment.pytorchVersion,
    reproVersion: String
  ) {
    self.swiftVersion = swiftVersion
    self.operatingSystem = operatingSystem
    self.cpuModel = cpuModel
    self.cpuCount = cpuCount
    self.hostname = hostname
    self.openBLASThreads = openBLASThreads
    self.pytorchCompatibilityVersion = pytorchCompatibilityVersion
    self.reproVersion = reproVersion
  }

  /// The environment of this process.
  ///
  /// - Parameters:
  ///   - openBLASThreads: the thread count the run uses (`BLAS.threadCount`).
  ///   - reproVersion: Repro's version string.
  public static func current(openBLASThreads: Int, reproVersion: String) -> RunEnvironment {
    let info = ProcessInfo.processInfo
    return RunEnvironment(
      swiftVersion: compilerVersion, operatingSystem: operatingSystemName(),
      cpuModel: cpuModelName(), cpuCount: info.processorCount, hostname: info.hostName,
      openBLASThreads: openBLASThreads, reproVersion: reproVersion)
  }

  /// The compiler version, known at compile time.
  static var compilerVersion: String {
    #if compiler(>=6.5)
      "6.5 or later"
    #elseif compiler(>=6.4)
      "6.4"
    #elseif compiler(>=6.3)
      "6.3"
    #elseif compiler(>=6.2)
      "6.2"
    #else
      "older than 6.2"
    #endif
  }

  private static func operatingSystemName() -> String {
    let kernel = ProcessInfo.processInfo.operatingSystemVersionString
    if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
    {
      let name = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(
        in: CharacterSet(charactersIn: "\""))
      return "\(name) (\(kernel))"
    }
    return kernel
  }

  private static func cpuModelName() -> String {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else {
      return "unknown"
    }
    for line in text.split(separator: "\n") where line.hasPrefix("model name") {
      if let colon = line.firstIndex(of: ":") {
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    return "unknown"
  }
}
