import Foundation
public import ReproFormat
import ReproTensor

/// The human-readable listing `repro inspect` prints: a header, the weights-only verdict, the
/// metadata, and one aligned row per tensor or value.
///
/// ```
/// Golden/pytorch/interop/dataparallel_prefix.pt: zip, 4 tensors (36 B), 0 other values
/// weights_only: accepted by torch.load(weights_only=True)
/// PATH             KIND    DTYPE    SHAPE   STRIDE  OFFSET  DEVICE  FLAGS  SHA256 / VALUE
/// module.0.weight  tensor  float32  [2, 2]  [2, 1]  0       cpu            7b1445e3e39366c1
/// ```
public struct InspectTable: Sendable {
  /// What the file holds.
  public var inventory: Inventory
  /// The file's name as the user gave it (shown in the header).
  public var file: String

  /// Creates the table of an inventory.
  public init(inventory: Inventory, file: String) {
    self.inventory = inventory
    self.file = file
  }

  /// The table's lines joined by newlines (no trailing newline); trailing blanks are trimmed.
  public func render() -> String {
    var lines: [String] = []
    let tensors = inventory.entries.compactMap(\.tensor)
    let bytes = tensors.reduce(0) { $0 + $1.count * $1.dtype.elementSize }
    lines.append(
      "\(file): \(inventory.format.inventoryName), \(tensors.count) tensors (\(Self.byteCount(bytes))), "
        + "\(inventory.entries.count - tensors.count) other values")
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
    // Hashed on every core, each tensor streamed in chunks.
    let hashes = inventory.sha256Hexes()
    for (e, hash) in zip(inventory.entries, hashes) {
      if let t = e.tensor {
        var flags: [String] = []
        if e.isParameter { flags.append("param") }
        if t.requiresGrad { flags.append("grad") }
        rows.append([
          e.path, "tensor", t.dtype.pytorchName,
          "[" + t.shape.map(String.init).joined(separator: ", ") + "]",
          "[" + t.strides.map(String.init).joined(separator: ", ") + "]", String(t.storageOffset),
          t.device.description, flags.joined(separator: ","),
          String((hash ?? t.sha256Hex()).prefix(16)),
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

  /// A size in bytes as `36 B`, `1.2 KiB`, `3.4 MiB` (binary units, one decimal).
  public static func byteCount(_ n: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var v = Double(n)
    var u = 0
    while v >= 1024 && u < units.count - 1 {
      v /= 1024
      u += 1
    }
    return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
  }
}
