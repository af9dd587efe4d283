public import Foundation
public import ReproTensor

extension SafeTensorsFile {
  /// Reads a safetensors file from its bytes; tensors are views into `bytes` where the element
  /// alignment allows, copies otherwise.
  ///
  /// The corresponding Python function is `safetensors.torch.load` (and `load_file`).
  ///
  /// - Parameter bytes: the whole file.
  /// - Returns: the tensors in header order, and the metadata.
  /// - Throws: `FormatError` naming what is wrong: `.truncated` (fewer than 8 bytes, header
  ///   longer than the file), `.limitExceeded` (header over 100 000 000 bytes), `.corrupt`
  ///   (invalid UTF-8 or JSON, a malformed entry, an unknown dtype, offsets that overlap, leave
  ///   gaps, disagree with shape × dtype or do not cover the data section), `.unsupported`
  ///   (a valid safetensors dtype ReproTensor lacks, such as `F8_E4M3`).
  public static func load(from bytes: Storage) throws(FormatError) -> SafeTensorsFile {
    let header = try validatedHeader(of: bytes)
    var tensors: [(name: String, tensor: Tensor)] = []
    tensors.reserveCapacity(header.entries.count)
    for e in header.entries {
      tensors.append((e.name, try makeTensor(e, in: bytes, dataStart: header.dataStart)))
    }
    return SafeTensorsFile(tensors: tensors, metadata: header.metadata)
  }

  /// Reads and checks the header of a safetensors file without touching its data: the length
  /// against the file size, the JSON, every entry, and offsets that tile the data section.
  ///
  /// - Throws: `FormatError` as ``load(from:)``.
  static func validatedHeader(of bytes: Storage) throws(FormatError) -> (
    entries: [Entry], metadata: [String: String], dataStart: Int
  ) {
    let fileSize = bytes.byteCount
    guard fileSize >= 8 else {
      throw FormatError(
        .truncated,
        "safetensors: header too small: the file has \(fileSize) bytes, fewer than the 8-byte header length"
      )
    }
    let declared = unsafe bytes.withUnsafeBytes {
      unsafe $0.loadUnaligned(as: UInt64.self).littleEndian
    }
    guard declared <= UInt64(maximumHeaderLength) else {
      throw FormatError(
        .limitExceeded,
        "safetensors: header too large: \(declared) bytes declared, the limit is \(maximumHeaderLength)"
      )
    }
    let headerLength = Int(declared)
    guard 8 + headerLength <= fileSize else {
      throw FormatError(
        .truncated,
        "safetensors: invalid header length: \(headerLength) bytes declared but only \(fileSize - 8) follow the length field"
      )
    }
    let headerBytes = unsafe bytes.withUnsafeBytes { unsafe Array($0[8..<(8 + headerLength)]) }
    guard String(validating: headerBytes, as: UTF8.self) != nil else {
      throw FormatError(.corrupt, "safetensors: invalid UTF-8 in header")
    }
    let json: HeaderJSON
    do {
      json = try HeaderJSONParser.parse(headerBytes)
    } catch {
      throw FormatError(
        .corrupt,
        "safetensors: invalid JSON in header: \(error.message) at header byte \(error.offset)")
    }
    guard case .object(let members) = json else {
      throw FormatError(
        .corrupt,
        "safetensors: invalid JSON in header: the header is \(json.kindDescription), not an object")
    }

    var metadata: [String: String] = [:]
    var entries: [Entry] = []
    var seen: Set<String> = []
    for (key, value) in members {
      guard seen.insert(key).inserted else {
        throw FormatError(.corrupt, "safetensors: duplicate key `\(key)` in header")
      }
      if key == "__metadata__" {
        metadata = try parseMetadata(value)
      } else {
        entries.append(try parseEntry(name: key, value))
      }
    }

    // Sorted by offsets, the entries must tile [0, data size) exactly (the Rust validate()).
    let dataStart = 8 + headerLength
    var expectedBegin = 0
    for e in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
      guard e.begin == expectedBegin, e.end >= e.begin else {
        let why =
          e.end < e.begin
          ? "end \(e.end) is before begin \(e.begin)"
          : e.begin < expectedBegin
            ? "it overlaps the previous tensor, which ends at \(expectedBegin)"
            : "there is a gap: the previous tensor ends at \(expectedBegin)"
        throw FormatError(
          .corrupt,
          "safetensors: invalid offset for tensor `\(e.name)`: data_offsets [\(e.begin), \(e.end)]: \(why)"
        )
      }
      guard e.end - e.begin == e.byteCount else {
        throw FormatError(
          .corrupt,
          "safetensors: invalid shape, data type, or offset for tensor `\(e.name)`: shape \(e.shape) of \(e.dtype.safetensorsName ?? e.dtype.pytorchName) needs \(e.byteCount) bytes but data_offsets [\(e.begin), \(e.end)] hold \(e.end - e.begin)"
        )
      }
      expectedBegin = e.end
    }
    guard dataStart + expectedBegin == fileSize else {
      throw FormatError(
        .corrupt,
        "safetensors: incomplete metadata, file not fully covered: the data section has \(fileSize - dataStart) bytes but the tensors cover \(expectedBegin)"
          + (fileSize - dataStart < expectedBegin
            ? " (the file is truncated)" : " (trailing bytes after the last tensor)")
      )
    }
    return (entries, metadata, dataStart)
  }

  /// Reads a safetensors file from disk.
  ///
  /// The corresponding Python function is `safetensors.torch.load_file`.
  ///
  /// The file is read once into a fresh buffer (or mapped, with `memoryMapped`) and every tensor
  /// borrows its byte range of it: no copy beyond the file's own bytes.
  ///
  /// - Parameters:
  ///   - url: a file URL.
  ///   - memoryMapped: map the file read-only instead of reading it (tensors then borrow the
  ///     mapping, which lives as long as any of them; pages are read when first touched).
  /// - Returns: the tensors in header order, and the metadata.
  /// - Throws: `FormatError.Code.io` when the file cannot be read, otherwise what
  ///   `load(from:)` throws.
  public static func load(contentsOf url: URL, memoryMapped: Bool = false) throws(FormatError)
    -> SafeTensorsFile
  {
    func located(_ error: FormatError) -> FormatError {
      FormatError(error.code, "\(url.lastPathComponent): \(error.message)", cause: error.cause)
    }
    let file: Storage
    if memoryMapped {
      file = try MappedFile(contentsOf: url).storage
    } else {
      // The header is checked on a mapping first: the file is read only when it holds.
      let mapped = try MappedFile(contentsOf: url).storage
      do { _ = try validatedHeader(of: mapped) } catch { throw located(error) }
      file = try ZipArchive.readFile(url)
    }
    do {
      return try load(from: file)
    } catch {
      throw located(error)
    }
  }

  /// One validated header entry.
  struct Entry {
    var name: String
    var dtype: DType
    var shape: [Int]
    var begin: Int
    var end: Int
    var byteCount: Int
  }

  static func parseMetadata(_ value: HeaderJSON) throws(FormatError) -> [String: String] {
    switch value {
    case .null: return [:]
    case .object(let members):
      var out: [String: String] = [:]
      for (k, v) in members {
        guard case .string(let s) = v else {
          throw FormatError(
            .corrupt,
            "safetensors: __metadata__ value for `\(k)` is \(v.kindDescription), expected a string")
        }
        out[k] = s
      }
      return out
    default:
      throw FormatError(
        .corrupt,
        "safetensors: __metadata__ is \(value.kindDescription), expected an object of strings")
    }
  }

  static func parseEntry(name: String, _ value: HeaderJSON) throws(FormatError) -> Entry {
    guard case .object(let fields) = value else {
      throw FormatError(
        .corrupt,
        "safetensors: entry for tensor `\(name)` is \(value.kindDescription), expected an object with dtype, shape and data_offsets"
      )
    }
    func field(_ key: String) throws(FormatError) -> HeaderJSON {
      guard let v = fields.first(where: { $0.key == key })?.value else {
        throw FormatError(.corrupt, "safetensors: tensor `\(name)` has no `\(key)` field")
      }
      return v
    }
    func integers(_ key: String) throws(FormatError) -> [Int] {
      guard case .array(let items) = try field(key) else {
        throw FormatError(
          .corrupt,
          "safetensors: `\(key)` of tensor `\(name)` is \(try field(key).kindDescription), expected an array of integers"
        )
      }
      var out: [Int] = []
      for item in items {
        guard case .number(let text) = item, let v = Int(text), !text.hasPrefix("-0") || v != 0
        else {
          throw FormatError(
            .corrupt,
            "safetensors: `\(key)` of tensor `\(name)` holds \(item.kindDescription)\(numberText(item)), expected a non-negative integer"
          )
        }
        guard v >= 0 else {
          throw FormatError(
            .corrupt, "safetensors: `\(key)` of tensor `\(name)` holds the negative integer \(v)")
        }
        out.append(v)
      }
      return out
    }
    guard case .string(let dtypeName) = try field("dtype") else {
      throw FormatError(
        .corrupt,
        "safetensors: `dtype` of tensor `\(name)` is \(try field("dtype").kindDescription), expected a string"
      )
    }
    guard let dtype = dtype(safetensorsName: dtypeName) else {
      if unsupportedDTypeNames.contains(dtypeName) {
        throw FormatError(
          .unsupported,
          "safetensors: tensor `\(name)` has dtype \(dtypeName), which ReproTensor does not support"
        )
      }
      throw FormatError(.corrupt, "safetensors: unknown dtype `\(dtypeName)` for tensor `\(name)`")
    }
    let shape = try integers("shape")
    let offsets = try integers("data_offsets")
    guard offsets.count == 2 else {
      throw FormatError(
        .corrupt,
        "safetensors: `data_offsets` of tensor `\(name)` has \(offsets.count) entries, expected 2")
    }
    var count = 1
    for n in shape {
      let (c, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else {
        throw FormatError(
          .corrupt,
          "safetensors: overflow computing buffer size from shape \(shape) of tensor `\(name)`")
      }
      count = c
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.elementSize)
    guard !overflow else {
      throw FormatError(
        .corrupt,
        "safetensors: overflow computing buffer size from shape \(shape) and dtype \(dtypeName) of tensor `\(name)`"
      )
    }
    return Entry(
      name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1],
      byteCount: byteCount)
  }

  private static func numberText(_ v: HeaderJSON) -> String {
    if case .number(let t) = v { return " \(t)" }
    return ""
  }

  /// A tensor borrowing its bytes from `storage` when the element alignment allows, else a copy.
  static func makeTensor(_ e: Entry, in storage: Storage, dataStart: Int) throws(FormatError)
    -> Tensor
  {
    let byteOffset = dataStart + e.begin
    let strides = Tensor.contiguousStrides(for: e.shape)
    do {
      if byteOffset % e.dtype.elementSize == 0 {
        // Each tensor gets its own storage over its byte range (as safetensors' tensors do in
        // PyTorch: offset 0, no sharing), borrowing the file's bytes without a copy.
        let region = unsafe storage.withUnsafeBytes {
          unsafe UnsafeRawBufferPointer(rebasing: $0[byteOffset..<(dataStart + e.end)])
        }
        let own = unsafe Storage(borrowing: region, owner: storage, isReadOnly: storage.isReadOnly)
        return try Tensor(storage: own, dtype: e.dtype, shape: e.shape, strides: strides)
      }
      let copy = unsafe storage.withUnsafeBytes {
        unsafe Storage(
          copying: UnsafeRawBufferPointer(rebasing: $0[byteOffset..<(dataStart + e.end)]))
      }
      return try Tensor(storage: copy, dtype: e.dtype, shape: e.shape, strides: strides)
    } catch {
      throw FormatError(.corrupt, "safetensors: tensor `\(e.name)`: \(error.message)", cause: error)
    }
  }
}
