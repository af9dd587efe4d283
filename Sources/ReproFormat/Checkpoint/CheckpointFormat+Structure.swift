public import Foundation
public import ReproTensor

extension CheckpointFormat {
  /// Checks a checkpoint file's structure before any of its tensor data is read: a file that
  /// cannot be a checkpoint is refused for what its head and tail say, without reading (or
  /// allocating) the whole file.
  ///
  /// The file is mapped, not read: only the pages of the structures are touched. By detected
  /// format (``detect(in:fileName:)``):
  /// - zip (`torch`, TorchScript): the end of central directory records (zip64 included), the
  ///   central directory and every local header, with every declared size and offset checked
  ///   against the file (``ZipArchive/init(bytes:)``);
  /// - safetensors: the header length against the file size, the header JSON, and the data
  ///   offsets, which must tile the rest of the file exactly;
  /// - legacy: the magic-number pickle at the start (a pickle nested past the depth limit is
  ///   refused for the limit, after a scan of its opcodes, before anything is built).
  ///
  /// Loaders call this before reading a file into memory; a 10 GB file of zeros or random
  /// bytes is refused in milliseconds.
  ///
  /// - Parameters:
  ///   - url: a regular file (an empty file passes: the loader reports it).
  ///   - format: the format to check; nil (default) detects it from the file and its name.
  /// - Throws: `FormatError` as the format's reader would throw it for the same fault.
  public static func checkStructure(ofFileAt url: URL, format: CheckpointFormat? = nil)
    throws(FormatError)
  {
    let file = try MappedFile(contentsOf: url).storage
    guard file.byteCount > 0 else { return }
    try checkStructure(
      of: file, format: format ?? detect(in: file, fileName: url.lastPathComponent))
  }

  /// Checks the structure of a file held in a storage (a mapping) as `format`.
  ///
  /// See ``checkStructure(ofFileAt:format:)``; folder formats have nothing to check here.
  ///
  /// - Throws: `FormatError` as the format's reader would throw it for the same fault.
  public static func checkStructure(of file: Storage, format: CheckpointFormat)
    throws(FormatError)
  {
    switch format {
    case .torch, .torchscript: _ = try ZipArchive(bytes: file)
    case .safetensors: _ = try SafeTensorsFile.validatedHeader(of: file)
    case .torchLegacy: _ = try TorchFile.checkLegacyMagic(file, options: .weightsOnly)
    case .shardedSafetensors, .shardedTorch, .dcp: break
    }
  }
}
