/// Filling a tensor in memory order, as PyTorch's `TensorIterator` visits a single output.
extension Tensor {
  /// The dimensions sorted the way `TensorIterator::reorder_dimensions` sorts one operand:
  /// outermost first, so that iterating this permutation visits storage in memory order
  /// (increasing strides inward; equal strides put the smaller size inside).
  func memoryOrderDims() -> [Int] {
    let n = rank
    // perm[0] is the innermost dimension, as in TensorIterator.
    var perm = Array((0..<n).reversed())
    func shouldSwap(_ d0: Int, _ d1: Int) -> Int {
      let s0 = strides[d0]
      let s1 = strides[d1]
      if s0 == 0 || s1 == 0 { return 0 }
      if s0 < s1 { return -1 }
      if s0 > s1 { return 1 }
      return shape[d0] > shape[d1] ? 1 : 0
    }
    if n > 1 {
      for i in 1..<n {
        var dim1 = i
        var dim0 = i - 1
        while dim0 >= 0 {
          let c = shouldSwap(perm[dim0], perm[dim1])
          if c > 0 {
            perm.swapAt(dim0, dim1)
            dim1 = dim0
          } else if c < 0 {
            break
          }
          dim0 -= 1
        }
      }
    }
    return perm.reversed()
  }

  /// Checks that a random kernel may write this tensor: writable storage, no element written
  /// twice (PyTorch's internal-overlap check), one of `dtypes`.
  func checkRandomOutput(_ op: String, dtypes: Set<DType>? = nil) throws(TensorError) {
    if let dtypes, !dtypes.contains(dtype) {
      let names = dtypes.map(\.pytorchName).sorted().joined(separator: ", ")
      throw TensorError(
        .unsupportedDType,
        "\(op) is not implemented for \(dtype.pytorchName) tensors (supported: \(names))")
    }
    if storage.isReadOnly {
      throw TensorError(
        .invalidArgument, "\(op) cannot write a tensor whose storage is read-only; copy it first")
    }
    for (n, s) in zip(shape, strides) where n > 1 && s == 0 {
      throw TensorError(
        .invalidArgument,
        "\(op): more than one element of the written-to tensor (shape \(shape), strides \(strides)) refers to a single memory location; copy it first"
      )
    }
  }

  /// Calls `produce` with a buffer of `count` contiguous elements to fill in draw order, and
  /// stores them into this tensor in memory order: directly when the tensor is contiguous,
  /// through a scratch buffer and a scatter otherwise.
  func fillInMemoryOrder(_ produce: (UnsafeMutableRawPointer, Int) -> Void) {
    let n = count
    if n == 0 { return }
    let size = dtype.elementSize
    if isContiguous {
      unsafe storage.withUnsafeMutableBytes { raw in
        unsafe produce(raw.start + storageOffset * size, n)
      }
      return
    }
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: n * size, alignment: 64)
    defer { unsafe scratch.deallocate() }
    unsafe produce(scratch, n)
    let dims = memoryOrderDims()
    let ordered = withGeometry(
      shape: dims.map { shape[$0] }, strides: dims.map { strides[$0] }, storageOffset: storageOffset
    )
    unsafe storage.withUnsafeMutableBytes { raw in
      let base = unsafe raw.start
      var k = 0
      switch size {
      case 2:
        ordered.forEachStorageIndex { i in
          unsafe base.storeBytes(
            of: scratch.load(fromByteOffset: 2 * k, as: UInt16.self), toByteOffset: 2 * i,
            as: UInt16.self)
          k += 1
        }
      case 4:
        ordered.forEachStorageIndex { i in
          unsafe base.storeBytes(
            of: scratch.load(fromByteOffset: 4 * k, as: UInt32.self), toByteOffset: 4 * i,
            as: UInt32.self)
          k += 1
        }
      case 8:
        ordered.forEachStorageIndex { i in
          unsafe base.storeBytes(
            of: scratch.load(fromByteOffset: 8 * k, as: UInt64.self), toByteOffset: 8 * i,
            as: UInt64.self)
          k += 1
        }
      default:
        ordered.forEachStorageIndex { i in
          unsafe (base + i * size).copyMemory(from: scratch + k * size, byteCount: size)
          k += 1
        }
      }
    }
  }
}
