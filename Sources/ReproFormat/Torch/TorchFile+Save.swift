public import Foundation
import ReproTensor

extension TorchFile {
  /// The bytes `torch.save(value, f)` writes, with records in torch.save's order:
  /// `data.pkl`, `.format_version`, `.storage_alignment`, `byteorder`, `data/0…`, `version`,
  /// `.data/serialization_id`.
  ///
  /// - Parameters:
  ///   - value: the object (tensors as `.tensor` / `.parameter` leaves).
  ///   - archiveName: the zip folder (`TorchFile.archiveName(forPath:)`; `archive` for streams).
  ///   - serializationID: the 40-digit `.data/serialization_id` record; nil (default) computes
  ///     the id torch.save writes for these records (spec a.8), so the file is byte-identical.
  ///   - options: pickler options.
  /// - Throws: `FormatError.Code.invalidArgument` for values torch.save cannot write.
  public static func serialize(
    _ value: PickleValue, archiveName: String = "archive",
    serializationID: String? = nil,
    options: Pickler.Options = Pickler.Options()
  ) throws(FormatError) -> [UInt8] {
    let pickled = try Pickler.pickle(value, options: options)
    var zip = TorchRecordWriter(archiveName: archiveName)
    zip.add("data.pkl", pickled.bytes)
    zip.add(".format_version", Array("1".utf8))
    zip.add(".storage_alignment", Array("64".utf8))
    zip.add("byteorder", Array("little".utf8))
    for (i, s) in pickled.storages.enumerated() {
      unsafe s.withUnsafeBytes { unsafe zip.add("data/\(i)", unsafe $0) }
    }
    zip.add("version", Array("3\n".utf8))
    // finish() appends the `.data/serialization_id` record.
    return zip.finish(serializationID: serializationID ?? zip.serializationID)
  }

  /// Writes `value` to `url` as `torch.save(value, path)` does (archive folder from the file
  /// name), atomically: the records are streamed into a temporary file in the same folder,
  /// which is fsync'd and renamed over `url` (``AtomicFile``); if anything fails the previous
  /// file is left intact.
  ///
  /// Storages are written straight from their bytes, without a copy.
  ///
  /// - Throws: `FormatError` with code `.invalidArgument` (see `serialize`) or `.io`.
  public static func save(
    _ value: PickleValue, to url: URL, options: Pickler.Options = Pickler.Options()
  ) throws(FormatError) {
    let pickled = try Pickler.pickle(value, options: options)
    let archive = try archiveName(forPath: url.path)
    do {
      try AtomicFile.write(to: url) { out in
        var zip = TorchZipStreamWriter(archiveName: archive, output: out)
        try zip.addRecord(name: "data.pkl", bytes: pickled.bytes)
        try zip.addRecord(name: ".format_version", bytes: Array("1".utf8))
        try zip.addRecord(name: ".storage_alignment", bytes: Array("64".utf8))
        try zip.addRecord(name: "byteorder", bytes: Array("little".utf8))
        for (i, s) in pickled.storages.enumerated() {
          unsafe try s.withUnsafeBytes { (raw) throws(FormatError) in
            unsafe try zip.addRecord(name: "data/\(i)", bytes: unsafe raw)
          }
        }
        try zip.addRecord(name: "version", bytes: Array("3\n".utf8))
        try zip.finish()
      }
    } catch let error as FormatError where error.code != .io {
      throw error
    } catch {
      throw FormatError(.io, "cannot write \(url.path)", cause: error)
    }
  }
}
