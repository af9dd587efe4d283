public import Foundation
import ReproTensor

extension SafeTensorsFile {
  /// The file's bytes, identical to what `safetensors.torch.save_file` writes for the same
  /// tensors and metadata.
  ///
  /// The corresponding Python function is `safetensors.torch.save` (and `save_file`).
  ///
  /// Layout: the 8-byte little-endian header length; the compact JSON header (`__metadata__`
  /// first when not empty, then each tensor as `{"dtype":…,"shape":[…],"data_offsets":[b,e]}`),
  /// padded with spaces to a multiple of 8; then the tensors' bytes. Tensors are ordered by dtype
  /// (safetensors' enum order, descending: U64, I64, F64, C64, F32, U32, I32, BF16, F16, U16,
  /// I16, F8_E5M2FNUZ, F8_E4M3FNUZ, F8_E8M0, F8_E4M3, F8_E5M2, I8, U8, BOOL), then by name
  /// compared as UTF-8 bytes.
  ///
  /// Differences from `save_file`, on purpose: non-contiguous tensors are written as their
  /// contiguous copy (save_file raises `ValueError`; its `save_model` does the same as here);
  /// metadata keys are written sorted, whereas safetensors orders two or more keys by a Rust
  /// hash map that is random per process.
  ///
  /// - Returns: the bytes of the file.
  /// - Throws: `FormatError.Code.invalidArgument` for duplicate names or tensors whose
  ///   storage bytes overlap (safetensors refuses shared memory), `.unsupported` for complex128
  ///   and complex32 (safetensors has no such dtype).
  public func serialized() throws(FormatError) -> [UInt8] {
    let (header, ordered, dataSize) = try layout()
    var out: [UInt8] = []
    out.reserveCapacity(header.count + dataSize)
    out += header
    for (_, tensor) in ordered { out += tensor.contiguousBytes() }
    return out
  }

  /// The length prefix and JSON header, the tensors in file order and the data size.
  private func layout() throws(FormatError) -> (
    header: [UInt8], ordered: [(name: String, tensor: Tensor)], dataSize: Int
  ) {
    try checkWritable()
    let ordered = tensors.sorted { a, b in
      let (ra, rb) = (
        SafeTensorsFile.dtypeRank[a.tensor.dtype] ?? 0,
        SafeTensorsFile.dtypeRank[b.tensor.dtype] ?? 0
      )
      if ra != rb { return ra > rb }
      return Array(a.name.utf8).lexicographicallyPrecedes(Array(b.name.utf8))
    }
    var header: [UInt8] = [UInt8(ascii: "{")]
    var first = true
    func separator() {
      if !first { header.append(UInt8(ascii: ",")) }
      first = false
    }
    if !metadata.isEmpty {
      separator()
      header += Array("\"__metadata__\":{".utf8)
      for (i, key) in metadata.keys.sorted().enumerated() {
        if i > 0 { header.append(UInt8(ascii: ",")) }
        SafeTensorsFile.appendJSONString(key, to: &header)
        header.append(UInt8(ascii: ":"))
        SafeTensorsFile.appendJSONString(metadata[key] ?? "", to: &header)
      }
      header.append(UInt8(ascii: "}"))
    }
    var offset = 0
    for (name, tensor) in ordered {
      let size = tensor.count * tensor.dtype.elementSize
      separator()
      SafeTensorsFile.appendJSONString(name, to: &header)
      header += Array(
        ":{\"dtype\":\"\(tensor.dtype.safetensorsName ?? "")\",\"shape\":[".utf8)
      header += Array(tensor.shape.map(String.init).joined(separator: ",").utf8)
      header += Array("],\"data_offsets\":[\(offset),\(offset + size)]}".utf8)
      offset += size
    }
    header.append(UInt8(ascii: "}"))
    while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
    var prefixed: [UInt8] = []
    prefixed.reserveCapacity(8 + header.count)
    unsafe withUnsafeBytes(of: UInt64(header.count).littleEndian) { unsafe prefixed += $0 }
    prefixed += header
    return (prefixed, ordered, offset)
  }

  /// Writes the file (see `serialized()`), replacing any file at `url` atomically: a temporary
  /// file in the same folder is written, fsync'd and renamed (``AtomicFile``).
  ///
  /// Contiguous
  /// tensors are written straight from their storage, without a copy.
  ///
  /// The corresponding Python function is `safetensors.torch.save_file`.
  ///
  /// - Parameter url: a file URL.
  /// - Throws: what `serialized()` throws, or `FormatError.Code.io` when writing fails.
  public func write(to url: URL) throws(FormatError) {
    let (header, ordered, _) = try layout()
    do {
      try AtomicFile.write(to: url) { out in
        try out.write(header)
        for (_, tensor) in ordered {
          if tensor.isContiguous {
            let size = tensor.count * tensor.dtype.elementSize
            let start = tensor.storageOffset * tensor.dtype.elementSize
            unsafe try tensor.storage.withUnsafeBytes { (raw) throws(FormatError) in
              unsafe try out.write(UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)]))
            }
          } else {
            try out.write(tensor.contiguousBytes())
          }
        }
      }
    } catch let error as FormatError where error.code != .io {
      throw error
    } catch {
      throw FormatError(.io, "safetensors: cannot write \(url.path)", cause: error)
    }
  }

  /// Refuses what safetensors refuses: duplicate names, overlapping shared storage, complex128.
  func checkWritable() throws(FormatError) {
    var names: Set<String> = []
    var byStorage: [ObjectIdentifier: [(name: String, begin: Int, end: Int)]] = [:]
    for (name, tensor) in tensors {
      guard names.insert(name).inserted else {
        throw FormatError(.invalidArgument, "safetensors: duplicate tensor name `\(name)`")
      }
      guard SafeTensorsFile.dtypeRank[tensor.dtype] != nil else {
        throw FormatError(
          .unsupported,
          "safetensors: tensor `\(name)` is \(tensor.dtype.pytorchName), which safetensors cannot store (save_file raises KeyError: torch.\(tensor.dtype.pytorchName))"
        )
      }
      guard tensor.count > 0 else { continue }
      let size = tensor.dtype.elementSize
      byStorage[ObjectIdentifier(tensor.storage), default: []].append(
        (name, tensor.storageOffset * size, tensor.storageExtent * size))
    }
    for (_, group) in byStorage where group.count > 1 {
      let sorted = group.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
      var reach = sorted[0]
      for next in sorted.dropFirst() {
        if next.begin < reach.end {
          throw FormatError(
            .invalidArgument,
            "safetensors: tensors `\(reach.name)` and `\(next.name)` share memory, which safetensors refuses (it would duplicate the data on disk); save copies or drop one name"
          )
        }
        if next.end > reach.end { reach = next }
      }
    }
  }

  /// Appends `s` as a JSON string the way serde_json writes it: raw UTF-8, with `"` and `\`
  /// escaped, `\b \f \n \r \t` for those controls and `\u00xx` (lowercase) for the others.
  static func appendJSONString(_ s: String, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case 0x22: out += [0x5C, 0x22]
      case 0x5C: out += [0x5C, 0x5C]
      case 0x08: out += [0x5C, UInt8(ascii: "b")]
      case 0x0C: out += [0x5C, UInt8(ascii: "f")]
      case 0x0A: out += [0x5C, UInt8(ascii: "n")]
      case 0x0D: out += [0x5C, UInt8(ascii: "r")]
      case 0x09: out += [0x5C, UInt8(ascii: "t")]
      case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
