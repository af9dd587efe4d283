import ReproTensor

extension TorchFile {
  /// The legacy magic number `0x1950A86A20F9469CFC6C`, little-endian.
  static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

  /// Whether the storages of a read-only (mapped) legacy file are left in the file and read on
  /// demand (``MappedRegion``) instead of copied; set by
  /// ``Checkpoint/loadForReading(file:fileName:mapLocation:policy:hashingRecords:)``.
  @TaskLocal static var readsLegacyStoragesInPlace = false

  /// Loads the legacy format (spec c): magic number, protocol version 1001 and sys_info
  /// pickles, the object pickle, the list of storage keys, then each storage as an int64
  /// element count and its little-endian bytes.
  static func loadLegacy(
    file: Storage, mapLocation: MapLocation?, policy: LoadPolicy, borrows: Bool
  ) throws(FormatError) -> Checkpoint {
    if borrows {
      throw FormatError(
        .unsupported,
        "mmap can only be used with files saved with `torch.save(<path>, _use_new_zipfile_serialization=True)`, please torch.save your checkpoint with this option in order to use mmap."
      )
    }
    let size = file.byteCount
    if size > 262, unsafe file.withUnsafeBytes({ unsafe $0[257..<262].elementsEqual("ustar".utf8) })
    {
      throw FormatError(
        .unsupported,
        "legacy: the pre-1.0 tar format is not supported (torch.load refuses it with weights_only=True)"
      )
    }
    let options = Unpickler.Options(policy)
    // The pickles come first and the storages after them: each pickle is found by a scan of
    // the file and only the pickles are copied, never the whole file.
    let magic = try checkLegacyMagic(file, options: options)
    let proto = try unpickle(
      file, at: magic.endOffset, context: "legacy protocol version", options: options)
    guard proto.value.int64 == 1001 else {
      throw FormatError(
        .unsupported,
        "legacy: Invalid protocol version: \(proto.value.int64.map(String.init) ?? proto.value.typeName)"
      )
    }
    let sysInfo = try unpickle(
      file, at: proto.endOffset, context: "legacy sys_info", options: options)
    if sysInfo.value["little_endian"]?.bool == false {
      throw FormatError(.unsupported, "legacy: files written on big-endian hosts are not supported")
    }
    let main = try unpickle(
      file, at: sysInfo.endOffset, context: "legacy object pickle", options: options)
    let keyList = try unpickle(
      file, at: main.endOffset, context: "legacy storage key list", options: options)
    guard let keyValues = keyList.value.elements else {
      throw FormatError(
        .corrupt, "legacy: the storage key list is \(keyList.value.typeName), not a list")
    }

    var ids: [String: TensorResolver.StorageID] = [:]
    try collectStorageIDs(main.value, into: &ids)

    var storages: [String: TypedStorage] = [:]
    var pos = keyList.endOffset
    for k in keyValues {
      guard let key = k.string else {
        throw FormatError(.corrupt, "legacy: storage key is \(k.typeName), not a str")
      }
      guard let id = ids[key] else {
        throw FormatError(.corrupt, "legacy: storage \(key) is listed but no tensor references it")
      }
      guard pos <= size - 8 else {
        throw FormatError(
          .truncated, "legacy: storage \(key) header at offset \(pos) is beyond the end of the file"
        )
      }
      let n = unsafe file.withUnsafeBytes {
        unsafe Int64(littleEndian: $0.loadUnaligned(fromByteOffset: pos, as: Int64.self))
      }
      guard n == Int64(id.numel) else {
        throw FormatError(
          .corrupt, "legacy: storage \(key) has \(n) elements, its persistent id says \(id.numel)")
      }
      // Checked before anything is allocated: the size must fit in the bytes that remain.
      let (nbytes, overflow) = id.numel.multipliedReportingOverflow(by: id.dtype.elementSize)
      guard !overflow, nbytes <= size - pos - 8 else {
        throw FormatError(
          .truncated,
          "legacy: storage \(key) (\(overflow ? "more than \(Int.max)" : String(nbytes)) bytes at offset \(pos + 8)) extends beyond the \(size)-byte file"
        )
      }
      let storage: Storage
      if Self.readsLegacyStoragesInPlace && file.isReadOnly {
        storage = Storage(deferring: MappedRegion(file: file, offset: pos + 8, byteCount: nbytes))
      } else {
        storage = try Storage.allocating(
          uninitializedByteCount: nbytes, for: "legacy storage \(key)")
        unsafe file.withUnsafeBytes { src in
          unsafe storage.withUnsafeMutableBytes { dst in
            unsafe dst.copyMemory(
              from: UnsafeRawBufferPointer(rebasing: src[(pos + 8)..<(pos + 8 + nbytes)]))
          }
        }
      }
      pos += 8 + nbytes
      let device: Device
      if let mapLocation {
        device = try mapLocation.resolve(id.location)
      } else {
        device = try MapLocation.parse(id.location)
      }
      storages[key] = TypedStorage(storage: storage, dtype: id.dtype, device: device, key: key)
    }
    var resolver = TensorResolver(context: "legacy object pickle") {
      (id) throws(FormatError) -> TypedStorage in
      guard let s = storages[id.key] else {
        throw FormatError(
          .corrupt, "legacy: storage \(id.key) is referenced but not in the key list")
      }
      return s
    }
    let root = try resolver.resolve(main.value)
    let refusal = [magic, proto, sysInfo, main, keyList].lazy.compactMap(\.weightsOnlyRefusal).first
    return Checkpoint(format: .torchLegacy, root: root, weightsOnlyRefusal: refusal)
  }

  /// Checks that `file` starts with the legacy magic-number pickle, reading only that pickle.
  ///
  /// A pickle that runs into a limit (nesting depth, stack size, memo size) is refused for that
  /// limit: it is what torch.load would read as the legacy format's first pickle, and the limit
  /// is the reason. Anything else that is not the magic number is not a torch file at all.
  ///
  /// - Returns: the magic-number pickle (its `endOffset` is where the protocol pickle starts).
  /// - Throws: `FormatError`: `.limitExceeded`, or `.badMagic` with the pickle's error as cause.
  static func checkLegacyMagic(_ file: Storage, options: Unpickler.Options) throws(FormatError)
    -> Unpickler.Result
  {
    let magic: Unpickler.Result
    do {
      magic = try unpickle(file, at: 0, context: "legacy magic number", options: options)
    } catch  where error.code == .limitExceeded {
      throw error
    } catch {
      throw FormatError(
        .badMagic,
        "not a PyTorch checkpoint: no zip signature (PK\\x03\\x04), no safetensors header, and the legacy format's magic-number pickle does not parse",
        cause: error)
    }
    guard case .bigInt(let m) = magic.value, m.bytes == legacyMagic else {
      throw FormatError(
        .badMagic, "legacy: Invalid magic number; corrupt file? (not a torch.save file)")
    }
    return magic
  }

  /// Unpickles the pickle at `offset` of `file`, copying only the bytes up to its end (found by
  /// ``PickleScan``), so that the storages after it are never copied.
  ///
  /// A pickle the scan finds faulty is handed to the machine with at most 1 MiB past the fault,
  /// enough for it to name the fault.
  static func unpickle(
    _ file: Storage, at offset: Int, context: String, options: Unpickler.Options
  ) throws(FormatError) -> Unpickler.Result {
    let size = file.byteCount
    let outcome = unsafe try file.withUnsafeBytes {
      (raw) throws(FormatError) -> PickleScan.Outcome in
      unsafe try PickleScan.run(raw, from: offset, context: context, options: options)
    }
    let end: Int
    switch outcome {
    case .ends(let at): end = at
    case .malformed(let at, _, _):
      _ = try outcome.endOffset(context: context)
      end = at + min(size - at, 1 << 20)
    }
    let head = unsafe file.withUnsafeBytes { unsafe Array($0[0..<end]) }
    return try Unpickler.unpickle(head, startingAt: offset, context: context, options: options)
  }

  /// Every persistent id of a raw tree, by key (first reference wins, as in torch).
  static func collectStorageIDs(
    _ v: PickleValue, into ids: inout [String: TensorResolver.StorageID]
  ) throws(FormatError) {
    switch v {
    case .persistentID(let pid):
      let id = try TensorResolver.storageID(pid, context: "legacy object pickle")
      if ids[id.key] == nil { ids[id.key] = id }
    case .tuple(let x), .list(let x), .set(let x), .frozenSet(let x):
      for e in x { try collectStorageIDs(e, into: &ids) }
    case .dict(let p):
      for e in p {
        try collectStorageIDs(e.key, into: &ids)
        try collectStorageIDs(e.value, into: &ids)
      }
    case .orderedDict(let p, let a):
      for e in p + a {
        try collectStorageIDs(e.key, into: &ids)
        try collectStorageIDs(e.value, into: &ids)
      }
    case .reduce(let c, let a):
      try collectStorageIDs(c, into: &ids)
      try collectStorageIDs(a, into: &ids)
    case .build(let o, let s):
      try collectStorageIDs(o, into: &ids)
      try collectStorageIDs(s, into: &ids)
    case .object(let o):
      try collectStorageIDs(o.args, into: &ids)
      if let s = o.state { try collectStorageIDs(s, into: &ids) }
    case .shared(let s): try collectStorageIDs(s.value, into: &ids)
    case .none, .bool, .int, .bigInt, .float, .string, .bytes, .global, .storage, .tensor,
      .backReference,
      .parameter:
      break
    }
  }
}
