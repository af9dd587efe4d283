public import Foundation
public import ReproTensor

extension TorchFile {
  /// Loads a file written by `torch.save` (zip or legacy format).
  ///
  /// - Parameters:
  ///   - url: the file.
  ///   - mapLocation: where storages go (`map_location`); nil keeps the file's device tags.
  ///   - policy: refuse what `torch.load(weights_only=True)` refuses (default), or read classes
  ///     outside the allowlist as `.object` nodes (`.trusted`); nothing is executed.
  ///   - memoryMapped: storages borrow the file's bytes instead of copying them (zip only,
  ///     like `torch.load(mmap=True)`).
  /// - Returns: the resolved tree and what torch's weights-only loader would say.
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func load(
    contentsOf url: URL, mapLocation: MapLocation? = nil, policy: LoadPolicy = .weightsOnly,
    memoryMapped: Bool = false
  ) throws(FormatError) -> Checkpoint {
    let file: Storage
    if memoryMapped {
      // The mapping stays alive as long as any storage borrowing it.
      file = try MappedFile(contentsOf: url).storage
    } else if let loaded = try loadZipCopyingRecords(
      url, format: .torch, mapLocation: mapLocation, policy: policy)
    {
      return loaded
    } else {
      // Structure first, on a mapping: the file is read only when it can be a torch file.
      let mapped = try MappedFile(contentsOf: url).storage
      try CheckpointFormat.checkStructure(
        of: mapped, format: isZip(mapped) ? .torch : .torchLegacy)
      file = try ZipArchive.readFile(url)
    }
    return try load(
      file: file, mapLocation: mapLocation, policy: policy, borrowsStorages: memoryMapped)
  }

  /// Loads a file held in memory.
  ///
  /// - Parameters:
  ///   - bytes: the whole file.
  ///   - mapLocation: where storages go; nil keeps the file's device tags.
  ///   - policy: weights-only (default) or trusted; see ``LoadPolicy``.
  /// - Throws: `FormatError` saying what is wrong and where.
  public static func load(
    bytes: [UInt8], mapLocation: MapLocation? = nil, policy: LoadPolicy = .weightsOnly
  ) throws(FormatError) -> Checkpoint {
    try load(
      file: Storage(bytes: bytes), mapLocation: mapLocation, policy: policy,
      borrowsStorages: false)
  }

  /// Loads a file from a storage holding its bytes; with `borrowsStorages`, tensor storages
  /// are zero-copy slices of `file` (which they keep alive).
  public static func load(
    file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrowsStorages: Bool
  ) throws(FormatError) -> Checkpoint {
    if isZip(file) {
      return try loadZip(
        file: file, mapLocation: mapLocation, policy: policy, borrows: borrowsStorages)
    }
    return try loadLegacy(
      file: file, mapLocation: mapLocation, policy: policy, borrows: borrowsStorages)
  }

  /// Whether `file` is read as a zip archive: torch.load treats only PK\x03\x04 as zip; any
  /// `PK` start is read as a (damaged) zip here so that the error speaks about the zip
  /// structure rather than a legacy pickle.
  static func isZip(_ file: Storage) -> Bool {
    let head = unsafe file.withUnsafeBytes { unsafe Array($0.prefix(2)) }
    return head == [0x50, 0x4B]
  }

  static func loadZip(
    file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrows: Bool,
    readsTorchScript: Bool = false, copier: StoredRecordCopier? = nil
  ) throws(FormatError) -> Checkpoint {
    let zip = try TorchRecordReader(file: file, copier: copier)
    guard let first = zip.entries.first else {
      throw FormatError(.corrupt, "zip: archive does not contain any files")
    }
    guard let slash = first.name.firstIndex(of: "/") else {
      throw FormatError(.corrupt, "zip: file in archive is not in a subdirectory: \(first.name)")
    }
    let folder = String(first.name[..<slash])
    let prefix = folder + "/"
    let versionName =
      zip.has(prefix + ".data/version") ? prefix + ".data/version" : prefix + "version"
    guard zip.has(versionName) else {
      throw FormatError(.corrupt, "\(folder): Expected hasRecord(\"version\") to be true")
    }
    let versionText = String(decoding: try zip.bytes(versionName), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard let version = Int(versionText) else {
      throw FormatError(
        .corrupt, "\(versionName): Couldn't parse the version \(versionText) as Long Long.")
    }
    guard (1...10).contains(version) else {
      throw FormatError(
        .unsupported,
        "\(versionName): file format version \(version) is outside the versions torch reads (1...10)"
      )
    }
    if zip.has(prefix + "constants.pkl") && !readsTorchScript {
      throw FormatError(
        .unsupported,
        "\(folder): a TorchScript archive (constants.pkl); torch.load hands it to torch.jit.load")
    }
    var bigEndian = false
    if zip.has(prefix + "byteorder") {
      let order = String(decoding: try zip.bytes(prefix + "byteorder"), as: UTF8.self)
      switch order {
      case "little": bigEndian = false
      case "big": bigEndian = true
      default: throw FormatError(.corrupt, "\(prefix)byteorder: Unknown endianness type: \(order)")
      }
    }
    let pklName = prefix + "data.pkl"
    let raw = try Unpickler.unpickle(
      try zip.bytes(pklName), context: pklName,
      options: Unpickler.Options(policy))

    var cache: [String: TypedStorage] = [:]
    var resolver = TensorResolver(context: pklName) { (id) throws(FormatError) -> TypedStorage in
      if let s = cache[id.key] { return s }
      let name = prefix + "data/\(id.key)"
      let entry = try zip.entry(name)
      let (nbytes, o) = id.numel.multipliedReportingOverflow(by: id.dtype.elementSize)
      guard !o, entry.uncompressedSize == nbytes else {
        throw FormatError(
          .corrupt,
          "\(name): record size (\(entry.uncompressedSize) bytes) does not match expected size (\(o ? "overflow" : String(nbytes)) bytes = \(id.numel) elements * \(id.dtype.elementSize) bytes/element) for dtype \(id.dtype.pytorchName)"
        )
      }
      var storage = try zip.storage(name, borrow: borrows && !bigEndian, deferred: !bigEndian)
      if bigEndian { storage = TorchFile.byteSwapped(storage, dtype: id.dtype) }
      let device: Device
      if let mapLocation {
        device = try mapLocation.resolve(id.location)
      } else {
        device = try MapLocation.parse(id.location)
      }
      let typed = TypedStorage(storage: storage, dtype: id.dtype, device: device, key: id.key)
      cache[id.key] = typed
      return typed
    }
    let root = try resolver.resolve(raw.value)
    try copier?.run()
    return Checkpoint(
      format: .torch, root: root, weightsOnlyRefusal: raw.weightsOnlyRefusal, archiveName: folder)
  }

  /// A copy of `storage` with each element's bytes reversed (complex: each component).
  static func byteSwapped(_ storage: Storage, dtype: DType) -> Storage {
    let unit = dtype.isComplex ? dtype.elementSize / 2 : dtype.elementSize
    let copy = unsafe storage.withUnsafeBytes { unsafe Storage(copying: $0) }
    guard unit > 1 else { return copy }
    unsafe copy.withUnsafeMutableBytes { b in
      var i = 0
      while i + unit <= b.count {
        var lo = i
        var hi = i + unit - 1
        while lo < hi {
          unsafe b.swapAt(lo, hi)
          lo += 1
          hi -= 1
        }
        i += unit
      }
    }
    return copy
  }
}
