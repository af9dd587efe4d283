import ArgumentParser
import Foundation
import ReproCLI
import ReproFormat

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

  /// Loads a file only to read it (compare): mapped and CRC-checked on every core without a
  /// copy; with --mmap, mapped without the CRC checks (as `torch.load(mmap=True)`).
  ///
  /// `hashingRecords`: compute every stored record's SHA-256 in the pass that checks its CRC-32
  /// (for `inspect`, which hashes every tensor).
  func loadForReading(_ path: String, hashingRecords: Bool = false) throws(FormatError)
    -> Checkpoint
  {
    if mmap { return try load(path) }
    return try Checkpoint.loadForReading(
      contentsOf: URL(fileURLWithPath: path), mapLocation: mapLocation?.location,
      policy: trust ? .trusted : .weightsOnly, hashingRecords: hashingRecords)
  }
}
