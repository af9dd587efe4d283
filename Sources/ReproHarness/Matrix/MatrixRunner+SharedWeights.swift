import Foundation
import ReproFormat
import ReproNN
import ReproTensor

/// Tied weights in the matrix: safetensors refuses tensors that share memory
/// (`safetensors.torch.save_file` raises), so a tied model's safetensors case checks that the
/// write is refused and that the refusal names the tied keys.
extension MatrixRunner {
  /// The first two state-dict keys of `model` that share one storage, or nil.
  static func sharedStorageKeys(_ model: Module) -> (String, String)? {
    var first: [ObjectIdentifier: String] = [:]
    for entry in model.stateDict().entries {
      let id = ObjectIdentifier(entry.tensor.storage)
      if let earlier = first[id] { return (earlier, entry.key) }
      first[id] = entry.key
    }
    return nil
  }

  /// Writes `checkpoint` as safetensors and passes when the write is refused naming both keys
  /// (and leaves no file behind).
  static func sharedMemoryRefusal(
    _ checkpoint: Checkpoint, keys: (String, String), scratch: URL, _ c: MatrixCase
  ) throws -> ComparisonResult {
    let url = scratch.appendingPathComponent(
      c.id.replacingOccurrences(of: "/", with: "_") + ".safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    var message = "written without an error"
    do {
      try Checkpoint.write(checkpoint, to: url, format: .safetensors)
    } catch {
      message = "\(error)"
    }
    let passed =
      message.contains(keys.0) && message.contains(keys.1)
      && !FileManager.default.fileExists(atPath: url.path)
    return ComparisonResult(
      name: "\(keys.0) tied to \(keys.1)",
      golden: "safetensors' save_file refusal of shared memory",
      mode: .bitwise, passed: passed,
      summary: passed
        ? "refused, naming both keys, as save_file does"
        : "expected a refusal naming \(keys.0) and \(keys.1): \(message)")
  }
}
