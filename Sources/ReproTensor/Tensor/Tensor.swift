/// An n-dimensional strided view of a `Storage`, as PyTorch's `torch.Tensor`.
///
/// A tensor is a value: its geometry (`shape`, `strides`, `storageOffset`, in elements), its
/// dtype and its device tag. Its storage is shared by reference, so views made with `view`,
/// `transposed`, `slice`, `select` or `expanded` see the same bytes, exactly as in PyTorch.
/// All compute runs on the CPU whatever the device tag says.
///
/// ```swift
/// let t = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
/// let tt = t.transposed(0, 1)          // shape [3, 2], strides [1, 3], same storage
/// tt.isContiguous                      // false
/// tt.contiguous().toArray(of: Float.self) // [1, 4, 2, 5, 3, 6]
/// ```
public struct Tensor: Sendable {
  /// The bytes this tensor views.
  public let storage: Storage
  /// The element type.
  public let dtype: DType
  /// The size of each dimension.
  public let shape: [Int]
  /// The distance, in elements, between neighbours along each dimension.
  public let strides: [Int]
  /// The index, in elements, of the first element within the storage.
  public let storageOffset: Int
  /// Where PyTorch keeps (or kept) this tensor's storage; compute here is always on the CPU.
  public var device: Device
  /// Whether autograd tracks this tensor (`requires_grad`).
  public var requiresGrad: Bool

  /// Wraps a storage with a geometry, checking that every element lies inside the storage.
  ///
  /// - Throws: `TensorError.Code.invalidShape` when a size, stride or offset is negative, the
  ///   extent overflows, or the last element lies beyond the storage.
  public init(
    storage: Storage, dtype: DType, shape: [Int], strides: [Int], storageOffset: Int = 0,
    device: Device = .cpu, requiresGrad: Bool = false
  ) throws(TensorError) {
    try Tensor.checkGeometry(
      shape: shape, strides: strides, storageOffset: storageOffset, dtype: dtype,
      storageByteCount: storage.byteCount)
    self.init(
      unchecked: storage, dtype: dtype, shape: shape, strides: strides,
      storageOffset: storageOffset, device: device, requiresGrad: requiresGrad)
  }

  @usableFromInline
  init(
    unchecked storage: Storage, dtype: DType, shape: [Int], strides: [Int], storageOffset: Int,
    device: Device, requiresGrad: Bool
  ) {
    self.storage = storage
    self.dtype = dtype
    self.shape = shape
    self.strides = strides
    self.storageOffset = storageOffset
    self.device = device
    self.requiresGrad = requiresGrad
  }

  /// A new contiguous tensor of zeros.
  public init(zeros shape: [Int], dtype: DType, device: Device = .cpu) {
    let count = Tensor.checkedCount(shape)
    self.init(
      unchecked: Storage(byteCount: count * dtype.elementSize), dtype: dtype, shape: shape,
      strides: Tensor.contiguousStrides(for: shape), storageOffset: 0, device: device,
      requiresGrad: false)
  }

  /// A new contiguous tensor holding `values` in row-major order.
  ///
  /// - Precondition: `values.count` equals the product of `shape` (a programmer error).
  public init<T: TensorElement>(_ values: [T], shape: [Int]) {
    precondition(
      values.count == Tensor.checkedCount(shape), "\(values.count) values for shape \(shape)")
    let storage = unsafe values.withUnsafeBytes { unsafe Storage(copying: $0) }
    self.init(
      unchecked: storage, dtype: T.dtype, shape: shape,
      strides: Tensor.contiguousStrides(for: shape),
      storageOffset: 0, device: .cpu, requiresGrad: false)
  }

  /// A new one-dimensional tensor holding `values`.
  public init<T: TensorElement>(_ values: [T]) { self.init(values, shape: [values.count]) }

  /// A new 0-d tensor holding one value.
  public init<T: TensorElement>(scalar value: T) { self.init([value], shape: []) }

  /// The number of dimensions.
  public var rank: Int { shape.count }

  /// The number of elements (`numel()`).
  public var count: Int { shape.reduce(1, *) }

  /// Row-major strides for a shape (`[3, 4]` → `[4, 1]`); size-0 and size-1 dims get the same
  /// strides PyTorch gives them.
  public static func contiguousStrides(for shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[i] = running
      running *= Swift.max(shape[i], 1)
    }
    return strides
  }

  /// Whether the elements are laid out row-major without gaps (`is_contiguous()`); dimensions of
  /// size 1 may have any stride, as in PyTorch.
  public var isContiguous: Bool {
    if count == 0 { return true }
    var expected = 1
    for i in stride(from: rank - 1, through: 0, by: -1) where shape[i] != 1 {
      if strides[i] != expected { return false }
      expected *= shape[i]
    }
    return true
  }

  /// The number of storage elements the geometry reaches (`offset + max index + 1`), 0 if empty.
  public var storageExtent: Int {
    if count == 0 { return 0 }
    var last = storageOffset
    for (n, s) in zip(shape, strides) { last += (n - 1) * s }
    return last + 1
  }

  @usableFromInline
  static func checkedCount(_ shape: [Int]) -> Int {
    var count = 1
    for n in shape {
      precondition(n >= 0, "negative dimension in shape \(shape)")
      let (p, o) = count.multipliedReportingOverflow(by: n)
      precondition(!o, "shape \(shape) overflows")
      count = p
    }
    return count
  }

  /// Checks a geometry against a storage size without trapping on any input.
  ///
  /// - Throws: `TensorError.Code.invalidShape` naming the offending value.
  public static func checkGeometry(
    shape: [Int], strides: [Int], storageOffset: Int, dtype: DType, storageByteCount: Int
  ) throws(TensorError) {
    guard shape.count == strides.count else {
      throw TensorError(
        .invalidShape,
        "shape \(shape) has \(shape.count) dims but strides \(strides) has \(strides.count)")
    }
    guard storageOffset >= 0 else {
      throw TensorError(.invalidShape, "negative storage offset \(storageOffset)")
    }
    var count = 1
    var lastIndex = storageOffset
    for (n, s) in zip(shape, strides) {
      guard n >= 0 else { throw TensorError(.invalidShape, "negative size \(n) in shape \(shape)") }
      guard s >= 0 else {
        throw TensorError(.invalidShape, "negative stride \(s) in strides \(strides)")
      }
      let (c, o1) = count.multipliedReportingOverflow(by: n)
      guard !o1 else {
        throw TensorError(.invalidShape, "shape \(shape) overflows the element count")
      }
      count = c
      if n > 0 {
        let (reach, o2) = (n - 1).multipliedReportingOverflow(by: s)
        let (sum, o3) = lastIndex.addingReportingOverflow(reach)
        guard !o2, !o3 else {
          throw TensorError(.invalidShape, "shape \(shape) with strides \(strides) overflows")
        }
        lastIndex = sum
      }
    }
    if count == 0 { return }
    let (endBytes, o4) = (lastIndex + 1).multipliedReportingOverflow(by: dtype.elementSize)
    guard !o4, endBytes <= storageByteCount else {
      throw TensorError(
        .invalidShape,
        "tensor of shape \(shape), strides \(strides), offset \(storageOffset) (\(dtype.pytorchName)) needs \(o4 ? "more than Int.max" : String(endBytes)) bytes but its storage has \(storageByteCount)"
      )
    }
  }

  /// Calls `body` with each element's storage index (in elements), in row-major logical order.
  @inlinable
  public func forEachStorageIndex(_ body: (Int) throws -> Void) rethrows {
    let n = count
    if n == 0 { return }
    if rank == 0 {
      try body(storageOffset)
      return
    }
    let last = rank - 1
    let innerCount = shape[last]
    let innerStride = strides[last]
    var index = [Int](repeating: 0, count: rank)
    var base = storageOffset
    while true {
      var p = base
      for _ in 0..<innerCount {
        try body(p)
        p += innerStride
      }
      // Advance the outer dimensions like an odometer.
      var d = last - 1
      while d >= 0 {
        index[d] += 1
        base += strides[d]
        if index[d] < shape[d] { break }
        base -= strides[d] * shape[d]
        index[d] = 0
        d -= 1
      }
      if d < 0 { return }
    }
  }
}
