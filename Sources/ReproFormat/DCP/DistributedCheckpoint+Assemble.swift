import ReproTensor

extension DistributedCheckpoint {
  /// One full tensor from its chunks, after checking that they lie inside it, do not overlap
  /// and cover it, and that the stored pieces hold at least the tensor's bytes (so nothing larger
  /// than the files is allocated).
  static func assemble(
    fqn: String, dtype: DType, size: [Int], chunks: [DCPMetadata.Chunk], metadata: DCPMetadata,
    context: String,
    piece: (DCPMetadata.Location, String) throws(FormatError) -> [UInt8]
  ) throws(FormatError) -> Tensor {
    func fail(_ what: String) -> FormatError {
      FormatError(.corrupt, "\(context): '\(fqn)': \(what)")
    }
    var total = 1
    for d in size {
      let (p, o) = total.multipliedReportingOverflow(by: d)
      guard !o else {
        throw FormatError(.limitExceeded, "\(context): '\(fqn)': size \(size) overflows")
      }
      total = p
    }
    var covered = 0
    var locations: [DCPMetadata.Location] = []
    var storedBytes = 0
    for (i, c) in chunks.enumerated() {
      var volume = 1
      for d in 0..<size.count {
        guard c.offsets[d] <= size[d], c.sizes[d] <= size[d] - c.offsets[d] else {
          throw fail(
            "chunk \(i) (offsets \(c.offsets), sizes \(c.sizes)) lies outside the tensor's size \(size)"
          )
        }
        volume *= c.sizes[d]
      }
      covered += volume
      guard let location = metadata.storage[.init(fqn: fqn, offsets: c.offsets)] else {
        throw fail("storage_data has no entry for chunk \(i) (offsets \(c.offsets))")
      }
      locations.append(location)
      storedBytes += location.length
    }
    for i in chunks.indices {
      for j in chunks.indices where j > i && overlap(chunks[i], chunks[j]) {
        throw fail(
          "chunks \(i) (offsets \(chunks[i].offsets), sizes \(chunks[i].sizes)) and \(j) (offsets \(chunks[j].offsets), sizes \(chunks[j].sizes)) overlap"
        )
      }
    }
    guard covered == total else {
      throw fail("the chunks cover \(covered) of the tensor's \(total) elements")
    }
    let elementSize = dtype.elementSize
    guard total * elementSize <= storedBytes else {
      throw fail(
        "the tensor needs \(total * elementSize) bytes but its pieces hold only \(storedBytes)")
    }
    let storage = Storage(byteCount: total * elementSize)
    let strides = Tensor.contiguousStrides(for: size)
    for (i, c) in chunks.enumerated() where c.sizes.allSatisfy({ $0 > 0 }) {
      let location = locations[i]
      let chunk: Tensor
      do throws(FormatError) {
        let loaded = try TorchFile.load(bytes: piece(location, fqn))
        guard case .tensor(let t) = loaded.root.unshared else {
          throw FormatError(.corrupt, "the piece holds \(loaded.root.typeName), not a tensor")
        }
        chunk = t
      } catch {
        var e = error
        e.message = "\(location.relativePath): '\(fqn)' chunk \(i): \(e.message)"
        throw e
      }
      guard chunk.dtype == dtype, chunk.shape == c.sizes else {
        throw FormatError(
          .corrupt,
          "\(location.relativePath): '\(fqn)' chunk \(i) holds \(chunk.dtype.pytorchName) \(chunk.shape), but .metadata says \(dtype.pytorchName) \(c.sizes)"
        )
      }
      copy(
        chunk.contiguousBytes(), sizes: c.sizes, offsets: c.offsets, into: storage,
        strides: strides, elementSize: elementSize)
    }
    do {
      return try Tensor(storage: storage, dtype: dtype, shape: size, strides: strides)
    } catch {
      throw fail("\(error)")
    }
  }

  /// Whether two chunks share an element.
  static func overlap(_ a: DCPMetadata.Chunk, _ b: DCPMetadata.Chunk) -> Bool {
    for d in a.offsets.indices {
      let lo = max(a.offsets[d], b.offsets[d])
      let hi = min(a.offsets[d] + a.sizes[d], b.offsets[d] + b.sizes[d])
      if lo >= hi { return false }
    }
    return true
  }

  /// Copies a chunk's row-major bytes into the full tensor's storage, one innermost row at a time.
  static func copy(
    _ bytes: [UInt8], sizes: [Int], offsets: [Int], into storage: Storage, strides: [Int],
    elementSize: Int
  ) {
    let rank = sizes.count
    let rowElements = rank == 0 ? 1 : sizes[rank - 1]
    let rowBytes = rowElements * elementSize
    let rows = rowElements == 0 ? 0 : bytes.count / rowBytes
    var index = [Int](repeating: 0, count: max(rank - 1, 0))
    unsafe storage.withUnsafeMutableBytes { dst in
      unsafe bytes.withUnsafeBytes { src in
        guard let source = src.baseAddress, let target = dst.baseAddress else { return }
        for r in 0..<rows {
          var at = rank == 0 ? 0 : offsets[rank - 1]
          for d in 0..<max(rank - 1, 0) { at += (offsets[d] + index[d]) * strides[d] }
          let from = r * rowBytes
          unsafe (target + at * elementSize).copyMemory(from: source + from, byteCount: rowBytes)
          index.stepRowMajor(in: sizes)
        }
      }
    }
  }
}
