import ReproTensor

extension CheckpointDiff {
  /// Records above this size are described by their first differing byte, not their sha256.
  static let hashedRecordLimit = 1 << 20

  /// Records added, removed, reordered, moved (with `verbose`) or changed; for `data.pkl`, the
  /// first diverging pickle instruction.
  static func recordLines(
    _ a: ZipArchive, _ b: ZipArchive, verbose: Bool, equalRecords: inout Set<StoragePair>
  ) throws(FormatError) -> [String] {
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
      // Stored records are borrowed from the files (no copy), deflated ones streamed.
      let sa = try a.streamingStorage(for: ea)
      let sb = try b.streamingStorage(for: eb)
      let line = recordLine(name, sa, sb, ea, eb, verbose: verbose)
      if let line {
        out.append(line)
      } else {
        equalRecords.insert(StoragePair(sa, sb))
      }
      if name.hasSuffix("data.pkl"), !bytesEqual(sa, sb) {
        out += pickleLines(try a.data(for: ea), try b.data(for: eb))
      }
    }
    return out
  }

  private static func recordLine(
    _ name: String, _ x: Storage, _ y: Storage, _ ea: ZipEntry, _ eb: ZipEntry, verbose: Bool
  ) -> String? {
    guard let at = firstDifference(x, y) else {
      if verbose && ea.dataOffset != eb.dataOffset {
        return "record \(name): same bytes, data offset \(ea.dataOffset) → \(eb.dataOffset)"
      }
      return nil
    }
    var line = "record \(name): \(x.byteCount) → \(y.byteCount) bytes"
    if x.byteCount <= hashedRecordLimit && y.byteCount <= hashedRecordLimit {
      let hx = unsafe x.withUnsafeBytes { unsafe SHA256Digest.hex(of: $0) }
      let hy = unsafe y.withUnsafeBytes { unsafe SHA256Digest.hex(of: $0) }
      line += ", sha256 \(hx.prefix(12))… → \(hy.prefix(12))…"
    }
    return line + ", first difference at byte \(at)"
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
}
