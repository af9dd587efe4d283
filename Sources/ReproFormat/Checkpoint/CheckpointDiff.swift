import Foundation
import ReproTensor

/// Explains how two checkpoint files differ: container records added, removed or changed, the
/// first pickle instruction where `data.pkl` diverges, tensors whose metadata or values differ,
/// and other values that changed (`repro diff A B`).
public struct CheckpointDiff: Sendable {
  /// Readable lines, most structural first; empty when the files are identical.
  public var lines: [String]
  /// Whether the two files have the same bytes.
  public var isIdentical: Bool

  /// Compares two files held in memory.
  ///
  /// - Parameters:
  ///   - a: the first file's bytes.
  ///   - b: the second file's bytes.
  ///   - policy: how both are read (default `.trusted`: whole-model files are compared too).
  /// - Throws: `FormatError` if either file cannot be read as a checkpoint.
  public init(_ a: [UInt8], _ b: [UInt8], policy: LoadPolicy = .trusted) throws(FormatError) {
    isIdentical = a == b
    lines = []
    if isIdentical { return }
    lines.append("size: \(a.count) → \(b.count) bytes")
    let ca = try Checkpoint.load(file: Storage(bytes: a), policy: policy)
    let cb = try Checkpoint.load(file: Storage(bytes: b), policy: policy)
    if ca.format != cb.format {
      lines.append("format: \(ca.format.inventoryName) → \(cb.format.inventoryName)")
    }
    if ca.format == .torch && cb.format == .torch {
      lines += try CheckpointDiff.recordLines(
        ZipArchive(bytes: Storage(bytes: a)), ZipArchive(bytes: Storage(bytes: b)))
    }
    if ca.metadata != cb.metadata { lines.append("metadata: \(ca.metadata) → \(cb.metadata)") }
    if ca.weightsOnlyOK != cb.weightsOnlyOK {
      lines.append(
        "weights_only: \(ca.weightsOnlyOK ? "accepted" : "refused") → \(cb.weightsOnlyOK ? "accepted" : "refused")"
      )
    }
    lines += CheckpointDiff.entryLines(Inventory(of: ca).entries, Inventory(of: cb).entries)
  }

  static func recordLines(_ a: ZipArchive, _ b: ZipArchive) throws(FormatError) -> [String] {
    func relative(_ z: ZipArchive) -> [(String, ZipEntry)] {
      let prefix = (z.rootFolder ?? "") + "/"
      return z.entries.map {
        ($0.name.hasPrefix(prefix) ? String($0.name.dropFirst(prefix.count)) : $0.name, $0)
      }
    }
    var out: [String] = []
    if a.rootFolder != b.rootFolder {
      out.append("archive folder: \(a.rootFolder ?? "-") → \(b.rootFolder ?? "-")")
    }
    let ra = relative(a)
    let rb = relative(b)
    let mapB = Dictionary(rb, uniquingKeysWith: { x, _ in x })
    let mapA = Dictionary(ra, uniquingKeysWith: { x, _ in x })
    for (name, _) in ra where mapB[name] == nil { out.append("record removed: \(name)") }
    for (name, _) in rb where mapA[name] == nil { out.append("record added: \(name)") }
    if ra.map(\.0).filter({ mapB[$0] != nil }) != rb.map(\.0).filter({ mapA[$0] != nil }) {
      out.append(
        "record order: \(ra.map(\.0).joined(separator: ", ")) → \(rb.map(\.0).joined(separator: ", "))"
      )
    }
    for (name, ea) in ra {
      guard let eb = mapB[name] else { continue }
      let da = try a.data(for: ea)
      let db = try b.data(for: eb)
      if da == db {
        if ea.dataOffset != eb.dataOffset {
          out.append("record \(name): same bytes, data offset \(ea.dataOffset) → \(eb.dataOffset)")
        }
        continue
      }
      out.append(
        "record \(name): \(da.count) → \(db.count) bytes, sha256 \(SHA256Digest.hex(of: da).prefix(12))… → \(SHA256Digest.hex(of: db).prefix(12))…"
      )
      if name.hasSuffix("data.pkl") { out += pickleLines(da, db) }
    }
    return out
  }

  /// The first diverging pickle instruction, with two instructions of context on each side.
  static func pickleLines(_ a: [UInt8], _ b: [UInt8]) -> [String] {
    guard let ia = try? PickleDisassembler.instructions(of: a),
      let ib = try? PickleDisassembler.instructions(of: b)
    else {
      return ["  data.pkl: one side does not disassemble"]
    }
    let names =
      (0..<min(ia.count, ib.count)).first {
        ia[$0].name != ib[$0].name || ia[$0].argument != ib[$0].argument
      }
      ?? min(ia.count, ib.count)
    var out = [
      "  data.pkl diverges at instruction \(names) (\(ia.count) → \(ib.count) instructions):"
    ]
    let lo = max(0, names - 2)
    for i in lo..<min(names + 3, max(ia.count, ib.count)) {
      let l = i < ia.count ? ia[i].description : "-"
      let r = i < ib.count ? ib[i].description : "-"
      out.append("  \(i == names ? ">" : " ") \(l)   |   \(r)")
    }
    return out
  }

  static func entryLines(_ a: [Inventory.Entry], _ b: [Inventory.Entry]) -> [String] {
    var out: [String] = []
    let mapB = Dictionary(b.map { ($0.path, $0) }, uniquingKeysWith: { x, _ in x })
    let pathsA = Set(a.map(\.path))
    for e in a where mapB[e.path] == nil { out.append("\(e.path): removed (\(e.kind))") }
    for e in b where !pathsA.contains(e.path) { out.append("\(e.path): added (\(e.kind))") }
    for ea in a {
      guard let eb = mapB[ea.path] else { continue }
      switch (ea.tensor, eb.tensor) {
      case (let ta?, let tb?): out += tensorLines(ea.path, ta, tb, ea.isParameter, eb.isParameter)
      case (nil, nil):
        if ea.kind != eb.kind || ea.valueJSON != eb.valueJSON || ea.className != eb.className {
          out.append(
            "\(ea.path): \(ea.kind) \(ea.valueJSON ?? ea.className ?? "") → \(eb.kind) \(eb.valueJSON ?? eb.className ?? "")"
          )
        }
      default: out.append("\(ea.path): \(ea.kind) → \(eb.kind)")
      }
    }
    return out
  }

  static func tensorLines(_ path: String, _ a: Tensor, _ b: Tensor, _ pa: Bool, _ pb: Bool)
    -> [String]
  {
    var out: [String] = []
    if a.dtype != b.dtype {
      out.append("\(path): dtype \(a.dtype.pytorchName) → \(b.dtype.pytorchName)")
    }
    if a.shape != b.shape { out.append("\(path): shape \(a.shape) → \(b.shape)") }
    if a.strides != b.strides { out.append("\(path): stride \(a.strides) → \(b.strides)") }
    if a.storageOffset != b.storageOffset {
      out.append("\(path): storage_offset \(a.storageOffset) → \(b.storageOffset)")
    }
    if a.device != b.device { out.append("\(path): device \(a.device) → \(b.device)") }
    if a.requiresGrad != b.requiresGrad {
      out.append("\(path): requires_grad \(a.requiresGrad) → \(b.requiresGrad)")
    }
    if pa != pb { out.append("\(path): parameter \(pa) → \(pb)") }
    guard a.shape == b.shape, a.contiguousBytes() != b.contiguousBytes() || a.dtype != b.dtype
    else { return out }
    let x = a.doubles()
    let y = b.doubles()
    var mismatched = 0
    var worst = (index: 0, diff: -1.0)
    for i in 0..<min(x.count, y.count)
    where x[i].bitPattern != y[i].bitPattern && !(x[i].isNaN && y[i].isNaN) {
      mismatched += 1
      let d = abs(x[i] - y[i])
      if d > worst.diff || d.isNaN { worst = (i, d) }
    }
    if mismatched > 0 {
      out.append(
        "\(path): \(mismatched) of \(x.count) values differ; largest at flat index \(worst.index): \(Scalar.pythonRepr(x[worst.index])) → \(Scalar.pythonRepr(y[worst.index])) (abs diff \(Scalar.pythonRepr(worst.diff)))"
      )
    }
    return out
  }
}
