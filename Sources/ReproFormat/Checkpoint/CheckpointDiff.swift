public import Foundation
public import ReproTensor

/// Explains how two checkpoint files differ: container records added, removed or changed, the
/// first pickle instruction where `data.pkl` diverges, tensors whose metadata or values differ,
/// and other values that changed (the structural part of `repro diff A B`).
///
/// ```swift
/// let diff = try CheckpointDiff(contentsOf: a, b)
/// for item in diff.items {
///   switch item {
///   case .line(let text): print(text)
///   case .values(let path, let first, let second): print(describe(path, first, second))
///   }
/// }
/// ```
///
/// Both files are memory-mapped and compared with `memcmp` in chunks, releasing the pages
/// behind the comparison, so that files of any size are compared in bounded memory; no file is
/// copied. Records and
/// tensors whose bytes are equal cost one `memcmp` each. Tensors whose values differ are handed
/// over as ``Item/values(path:first:second:)`` for a comparison engine to describe (ReproHarness
/// renders them with its tensor comparison).
public struct CheckpointDiff: Sendable {
  /// One part of the explanation.
  public enum Item: Sendable {
    /// A finished line.
    case line(String)
    /// Two tensors of the same shape whose values differ (different bytes, or different dtypes).
    case values(path: String, first: Tensor, second: Tensor)
  }

  /// The explanation, most structural first; empty when the files are identical.
  public var items: [Item] = []
  /// Whether the two files have the same bytes.
  public var isIdentical: Bool
  /// The first file's size in bytes.
  public var firstByteCount: Int
  /// The second file's size in bytes.
  public var secondByteCount: Int

  /// The lines of ``items``, each tensor pair written as "PATH: float32 → float16, values
  /// differ" (callers with a comparison engine render those items themselves).
  public var lines: [String] {
    items.map {
      switch $0 {
      case .line(let text): text
      case .values(let path, let a, let b):
        "\(path): \(a.dtype.rawValue) → \(b.dtype.rawValue), values differ"
      }
    }
  }

  /// Compares two files, each memory-mapped.
  ///
  /// - Parameters:
  ///   - first: the first file (the reference).
  ///   - second: the second file.
  ///   - policy: how both are read (default `.trusted`: whole-model files are compared too).
  ///   - verbose: also list records whose bytes are equal but that moved in the archive.
  /// - Throws: `FormatError` if either file cannot be mapped or read as a checkpoint (a record
  ///   whose CRC-32 does not match included).
  public init(
    contentsOf first: URL, _ second: URL, policy: LoadPolicy = .trusted, verbose: Bool = false
  ) throws(FormatError) {
    try self.init(
      MappedFile(contentsOf: first).storage, MappedFile(contentsOf: second).storage,
      policy: policy, verbose: verbose)
  }

  /// Compares two files held in storages (mappings or bytes in memory).
  ///
  /// - Parameters:
  ///   - a: the first file's bytes.
  ///   - b: the second file's bytes.
  ///   - policy: how both are read (default `.trusted`).
  ///   - verbose: also list records whose bytes are equal but that moved in the archive.
  /// - Throws: `FormatError` if either file cannot be read as a checkpoint.
  public init(_ a: Storage, _ b: Storage, policy: LoadPolicy = .trusted, verbose: Bool = false)
    throws(FormatError)
  {
    firstByteCount = a.byteCount
    secondByteCount = b.byteCount
    isIdentical = Self.bytesEqual(a, b)
    if isIdentical { return }
    items.append(.line("size: \(a.byteCount) → \(b.byteCount) bytes"))
    // Every record's CRC-32 is checked; tensors borrow the files' bytes.
    let ca = try Checkpoint.loadForReading(file: a, policy: policy)
    let cb = try Checkpoint.loadForReading(file: b, policy: policy)
    if ca.format != cb.format {
      items.append(.line("format: \(ca.format.inventoryName) → \(cb.format.inventoryName)"))
    }
    // Records found byte-equal here are not compared again for their tensors.
    var equalRecords: Set<StoragePair> = []
    if ca.format == .torch && cb.format == .torch {
      let records = try Self.recordLines(
        ZipArchive(bytes: a), ZipArchive(bytes: b), verbose: verbose,
        equalRecords: &equalRecords)
      items += records.map(Item.line)
    }
    if ca.metadata != cb.metadata {
      items.append(.line("metadata: \(ca.metadata) → \(cb.metadata)"))
    }
    if ca.weightsOnlyOK != cb.weightsOnlyOK {
      items.append(
        .line(
          "weights_only: \(ca.weightsOnlyOK ? "accepted" : "refused") → \(cb.weightsOnlyOK ? "accepted" : "refused")"
        ))
    }
    items += Self.entryItems(
      Inventory(of: ca).entries, Inventory(of: cb).entries, equalRecords: equalRecords)
  }

  /// Whether two storages hold the same bytes (`memcmp` chunk by chunk, mapped pages released
  /// behind the loop).
  static func bytesEqual(_ a: Storage, _ b: Storage) -> Bool {
    guard a.byteCount == b.byteCount else { return false }
    return firstDifference(a, b) == nil
  }

  /// The offset of the first byte that differs between two storages (the shorter length when
  /// one is a prefix of the other), nil when they are equal; read in chunks through
  /// ``ReproTensor/StorageReader``.
  static func firstDifference(_ a: Storage, _ b: Storage) -> Int? {
    let x = StorageReader(a, range: 0..<a.byteCount)
    let y = StorageReader(b, range: 0..<b.byteCount)
    let n = min(a.byteCount, b.byteCount)
    var done = 0
    while done < n {
      let m = min(StorageReader.chunkBytes, n - done)
      let at = unsafe x.withNext(m) { p in
        unsafe y.withNext(m) { q in unsafe firstDifference(p, q) }
      }
      if let at { return done + at }
      done += m
    }
    return a.byteCount == b.byteCount ? nil : n
  }

  /// Whether two buffers hold the same bytes (`memcmp`).
  static func bytesEqual(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Bool {
    guard x.count == y.count else { return false }
    guard x.count > 0, let p = x.baseAddress, let q = y.baseAddress else { return true }
    return unsafe memcmp(p, q, x.count) == 0
  }

  /// The offset of the first byte that differs (the shorter length when one is a prefix of the
  /// other), nil when the bytes are equal.
  static func firstDifference(_ x: UnsafeRawBufferPointer, _ y: UnsafeRawBufferPointer) -> Int? {
    let n = min(x.count, y.count)
    guard n > 0, let p = x.baseAddress, let q = y.baseAddress else {
      return x.count == y.count ? nil : 0
    }
    // Narrow down with memcmp on blocks, then byte by byte inside the first differing block.
    let block = 1 << 16
    var start = 0
    while start < n {
      let len = min(block, n - start)
      if unsafe memcmp(p + start, q + start, len) != 0 {
        for i in start..<(start + len) where unsafe x[i] != y[i] { return i }
      }
      start += len
    }
    return x.count == y.count ? nil : n
  }
}
