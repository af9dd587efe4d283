public import Foundation
import ReproTensor

/// `torch.distributed.checkpoint` folders (`.metadata` + `__R_S.distcp` files) read as one
/// state dict: what `torch.distributed.checkpoint.format_utils.dcp_to_torch_save` builds.
///
/// Every tensor is reassembled from its chunks (which may come from several ranks and files):
/// the chunks must lie inside the tensor, must not overlap, and must cover it. Values are nested
/// back with `planner_data` in `state_dict_metadata` order, as `_EmptyStateDictLoadPlanner`
/// does. Each stored piece is a `torch.save` blob; non-tensor values are read as
/// `torch.load` would (opaque objects for classes outside the weights-only allowlist; nothing
/// is executed).
///
/// ```swift
/// let ckpt = try DistributedCheckpoint.load(contentsOf: URL(fileURLWithPath: "step_100/"))
/// try TorchFile.save(ckpt.root, to: URL(fileURLWithPath: "step_100.pt"))  // = dcp_to_torch_save
/// ```
public enum DistributedCheckpoint {
  /// Whether `url` is a folder holding a `.metadata` file.
  public static func isDistributedCheckpoint(_ url: URL) -> Bool {
    var isDirectory: ObjCBool = false
    return unsafe FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
      && FileManager.default.fileExists(atPath: url.appendingPathComponent(".metadata").path)
  }

  /// Loads a DCP folder as one nested state dict.
  ///
  /// - Parameters:
  ///   - folder: the checkpoint folder.
  ///   - mapLocation: where the tensors go (they are created on the CPU, as
  ///     `dcp_to_torch_save` does).
  /// - Throws: `FormatError` naming `.metadata` (or the `.distcp` file) and the key at fault:
  ///   a missing file, chunks that overlap, leave holes or lie outside the tensor, a piece
  ///   outside its file, a piece whose dtype or shape disagrees with the metadata.
  public static func load(contentsOf folder: URL, mapLocation: MapLocation? = nil)
    throws(FormatError) -> Checkpoint
  {
    let metaURL = folder.appendingPathComponent(".metadata")
    let context = ".metadata"
    let metadata = try DCPMetadata.parse(ZipArchive.readFile(metaURL).bytes, context: context)
    var files: [String: Storage] = [:]
    func file(_ name: String, fqn: String) throws(FormatError) -> Storage {
      if let f = files[name] { return f }
      guard !name.isEmpty, !name.contains("/"), !name.contains("\\"), name != "..", name != "."
      else {
        throw FormatError(
          .corrupt,
          "\(context): '\(fqn)' is stored in '\(name)', which is not a file name in the folder")
      }
      let url = folder.appendingPathComponent(name)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw FormatError(
          .corrupt,
          "\(context): '\(fqn)' is stored in '\(name)', which does not exist in \(folder.path)")
      }
      let f = try ZipArchive.readFile(url)
      files[name] = f
      return f
    }
    func piece(_ location: DCPMetadata.Location, fqn: String) throws(FormatError) -> [UInt8] {
      let f = try file(location.relativePath, fqn: fqn)
      let (end, overflow) = location.offset.addingReportingOverflow(location.length)
      guard !overflow, end <= f.byteCount else {
        throw FormatError(
          .truncated,
          "\(location.relativePath): '\(fqn)' is stored at bytes \(location.offset)..<\(overflow ? "overflow" : String(end)), beyond the file's \(f.byteCount) bytes"
        )
      }
      return unsafe f.withUnsafeBytes { unsafe Array($0[location.offset..<end]) }
    }

    let root = DCPNest(isList: false)
    var refusal: String?
    for (fqn, item) in metadata.items {
      let value: PickleValue
      switch item {
      case .bytes:
        guard let location = metadata.storage[.init(fqn: fqn, offsets: nil)] else {
          throw FormatError(.corrupt, "\(context): storage_data has no entry for '\(fqn)'")
        }
        let loaded: Checkpoint
        do {
          // dcp_to_torch_save reads these with torch.load(weights_only=False): classes outside
          // the allowlist become opaque objects (nothing is executed) and the refusal is kept.
          loaded = try TorchFile.load(bytes: piece(location, fqn: fqn), policy: .trusted)
        } catch {
          var e = error
          e.message = "\(location.relativePath): '\(fqn)': \(e.message)"
          throw e
        }
        if refusal == nil, let r = loaded.weightsOnlyRefusal { refusal = "'\(fqn)': \(r)" }
        value = loaded.root
      case .tensor(let dtype, let size, let chunks):
        var tensor = try assemble(
          fqn: fqn, dtype: dtype, size: size, chunks: chunks, metadata: metadata, context: context,
          piece: piece)
        if let mapLocation { tensor.device = try mapLocation.resolve("cpu") }
        value = .tensor(tensor)
      }
      if let path = metadata.plannerData[fqn] {
        try root.set(path, value, fqn: fqn, context: context)
      } else {
        try root.set([.key(fqn)], value, fqn: fqn, context: context)
      }
    }
    return Checkpoint(format: .dcp, root: root.value, weightsOnlyRefusal: refusal)
  }
}
