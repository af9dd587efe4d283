import ArgumentParser
import Foundation
import ReproFormat
import ReproTensor

/// Exit codes of `repro`: 0 success, 1 a check failed, 2 a file could not be read or written,
/// 64 a usage error (ArgumentParser's `ValidationError`, a bad model spec, a request the format
/// cannot hold).
enum ReproExit {
  /// A check found a difference.
  static let failure = ExitCode(1)
  /// A file could not be read, parsed or written.
  static let inputError = ExitCode(2)
  /// The command line asks for something impossible (bad spec, unsupported combination).
  static let usage = ExitCode.validationFailure
}

/// Prints an error to standard error, as `repro: <file>: <message>`.
func reportError(_ error: any Error, file: String) {
  var stderr = StandardError()
  print("repro: \(file): \(error)", to: &stderr)
}

/// Standard error as a `TextOutputStream`.
struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}

/// A `--map-location` value: a device (`cpu`), or a mapping `cuda:1=cuda:0[,cuda:2=cpu]`.
struct MapLocationArgument: ExpressibleByArgument {
  let location: MapLocation

  init?(argument: String) {
    if argument.contains("=") {
      var mapping: [String: String] = [:]
      for pair in argument.split(separator: ",") {
        let parts = pair.split(separator: "=", maxSplits: 1).map {
          String($0).trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2, (try? Device(parsing: parts[0])) != nil,
          (try? Device(parsing: parts[1])) != nil
        else {
          return nil
        }
        mapping[parts[0]] = parts[1]
      }
      location = .mapping(mapping)
    } else {
      guard let device = try? Device(parsing: argument) else { return nil }
      location = .device(device)
    }
  }

  static var defaultValueDescription: String { "keep the devices written in the file" }
}

/// Options shared by the commands that read checkpoints.
struct LoadOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Where storages go, as torch.load's map_location: a device (cpu, cuda:0) or a mapping such as cuda:1=cuda:0,cuda:2=cpu.",
      valueName: "location"))
  var mapLocation: MapLocationArgument?

  @Flag(
    help:
      "Accept classes outside torch.load(weights_only=True)'s allowlist (whole-model files) as opaque objects. Nothing is ever executed."
  )
  var trust = false

  @Flag(
    help:
      "Memory-map the file: tensors borrow its pages instead of copying them (zip files with stored records)."
  )
  var mmap = false

  func load(_ path: String) throws(FormatError) -> Checkpoint {
    try Checkpoint.load(
      contentsOf: URL(fileURLWithPath: path), mapLocation: mapLocation?.location,
      policy: trust ? .trusted : .weightsOnly, memoryMapped: mmap)
  }
}
