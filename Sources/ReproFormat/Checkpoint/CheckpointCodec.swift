import Foundation
import ReproTensor

/// The reader and writer of one ``CheckpointFormat``: the layer between ``Checkpoint`` and a
/// format's file type (`TorchFile`, `SafeTensorsFile`).
///
/// A new format conforms one type to this protocol and returns it from `CheckpointFormat.codec`.
/// `Checkpoint.load` has already read (or mapped) the file and chosen the format, so `read`
/// never sniffs again. A format stored as several files or a folder (sharded indexes, DCP)
/// would add a requirement reading from the URL, with this one as its single-file default.
protocol CheckpointCodec {
  /// Reads a whole file held in `file`.
  ///
  /// - Parameters:
  ///   - file: the file's bytes (read into memory, or mapped).
  ///   - mapLocation: where storages go; nil keeps the devices written in the file.
  ///   - policy: what to do with globals outside the weights-only allowlist.
  ///   - borrowsStorages: tensors borrow `file` read-only instead of owning slices (mappings).
  static func read(
    _ file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint

  /// The file's bytes; `archiveName` is the zip folder, for formats that have one.
  static func serialized(_ checkpoint: Checkpoint, archiveName: String) throws(FormatError)
    -> [UInt8]

  /// Writes the file atomically, naming any archive folder after `url` as the format's own
  /// writer does.
  static func write(_ checkpoint: Checkpoint, to url: URL) throws(FormatError)
}
