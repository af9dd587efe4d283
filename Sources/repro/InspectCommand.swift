import ArgumentParser
import Foundation
import ReproFormat
import ReproTensor

/// `repro inspect`: list every value reachable in a checkpoint file.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "List every tensor and value in a .pt/.pth (zip or legacy) or safetensors file.",
    discussion: """
      Reads the file without executing anything. Paths join dict keys and list indices with '/'. \
      --json prints {"format", "weights_only_ok", "entries"} in the contract of the interop \
      corpus (Golden/pytorch/interop/*.expected.json): for tensors dtype, shape, stride, \
      storage_offset, device (as written in the file unless --map-location), requires_grad, \
      parameter, sha256 of the contiguous little-endian bytes and the first 4 values.
      """)

  @Argument(help: "The checkpoint file.")
  var file: String

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  @OptionGroup var load: LoadOptions

  func run() throws {
    let checkpoint: Checkpoint
    do {
      checkpoint = try load.load(file)
    } catch {
      reportError(error, file: file)
      // Suggest --trust only for whole-model files (torch.nn classes), never for a file that
      // names os.system and the like.
      if let global = error.forbiddenGlobal, global.qualifiedName.hasPrefix("torch.nn.") {
        var stderr = StandardError()
        print(
          "repro: the file needs classes outside the weights-only allowlist (a whole-model file?); pass --trust to read them as opaque objects",
          to: &stderr)
      }
      throw ReproExit.inputError
    }
    let inventory = Inventory(of: checkpoint)
    if json {
      print(inventory.jsonText())
    } else {
      print(InspectTable(inventory: inventory, file: file).render())
    }
  }
}

/// The human-readable listing of `repro inspect`.
struct InspectTable {
  let inventory: Inventory
  let file: String

  func render() -> String {
    var lines: [String] = []
    let tensors = inventory.entries.compactMap(\.tensor)
    let bytes = tensors.reduce(0) { $0 + $1.count * $1.dtype.elementSize }
    lines.append(
      "\(file): \(inventory.format.inventoryName), \(tensors.count) tensors (\(formatBytes(bytes))), \(inventory.entries.count - tensors.count) other values"
    )
    lines.append(
      "weights_only: "
        + (inventory.weightsOnlyOK
          ? "accepted by torch.load(weights_only=True)"
          : "refused by torch.load(weights_only=True): \(inventory.weightsOnlyRefusal ?? "")"))
    if !inventory.metadata.isEmpty {
      lines.append(
        "metadata: "
          + inventory.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
            separator: ", "))
    }
    var rows: [[String]] = [
      ["PATH", "KIND", "DTYPE", "SHAPE", "STRIDE", "OFFSET", "DEVICE", "FLAGS", "SHA256 / VALUE"]
    ]
    for e in inventory.entries {
      if let t = e.tensor {
        var flags: [String] = []
        if e.isParameter { flags.append("param") }
        if t.requiresGrad { flags.append("grad") }
        rows.append([
          e.path, "tensor", t.dtype.pytorchName,
          "[" + t.shape.map(String.init).joined(separator: ", ") + "]",
          "[" + t.strides.map(String.init).joined(separator: ", ") + "]", String(t.storageOffset),
          t.device.description, flags.joined(separator: ","), String(t.sha256Hex().prefix(16)),
        ])
      } else if let a = e.array {
        rows.append([
          e.path, e.kind, a.dtype.name,
          "[" + a.shape.map(String.init).joined(separator: ", ") + "]",
          "", "", "", a.isFortranOrder ? "fortran" : "", String(a.sha256Hex.prefix(16)),
        ])
      } else {
        rows.append([e.path, e.kind, "", "", "", "", "", "", e.className ?? e.valueJSON ?? ""])
      }
    }
    let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
    for r in rows {
      lines.append(
        zip(r, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(
          separator: "  "
        ).trimmingCharacters(in: .whitespaces))
    }
    return lines.joined(separator: "\n")
  }
}

/// `1.2 MiB` style sizes.
func formatBytes(_ n: Int) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB"]
  var v = Double(n)
  var u = 0
  while v >= 1024 && u < units.count - 1 {
    v /= 1024
    u += 1
  }
  return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
}
