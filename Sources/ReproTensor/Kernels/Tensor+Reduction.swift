/// Reductions over dimensions or over all elements: sum, mean, max, min, argmax, argmin.
///
/// Summation order: the reduced elements of each output are visited in row-major order of the
/// reduced dimensions and added by pairwise (cascade) summation: blocks of up to 16 elements
/// are summed left to right, and blocks are combined as a balanced binary tree. The error bound
/// is O(log n · ε) like PyTorch's cascade sum, but the tree differs from PyTorch's vectorised
/// one, so a float32 sum is close to, not bitwise equal to, `torch.sum`. Accumulation happens in
/// the opmath type: float32 for float16/bfloat16/float32 (rounded once at the end), float64 for
/// float64, wrapping int64 for integer and bool inputs (whose sum is int64, as PyTorch's).
extension Tensor {
  struct ReductionPlan {
    /// The input permuted so that kept dims come first and reduced dims last.
    let permuted: Tensor
    let outShape: [Int]
    let outCount: Int
    let reduceCount: Int
  }

  func reductionPlan(_ op: String, dims: [Int]?, keepdim: Bool) throws(TensorError) -> ReductionPlan
  {
    try checkComputable(op)
    var reduced = Set<Int>()
    if let dims, !dims.isEmpty {
      for d in dims {
        let n = try normalizedDim(d)
        guard reduced.insert(n).inserted else {
          throw TensorError(
            .invalidArgument, "\(op): dim \(n) appears multiple times in the list of dims")
        }
      }
    } else {
      reduced = Set(0..<rank)
    }
    let kept = (0..<rank).filter { !reduced.contains($0) }
    let red = (0..<rank).filter { reduced.contains($0) }
    let permuted = try self.permuted(kept + red)
    let outShape =
      keepdim ? (0..<rank).map { reduced.contains($0) ? 1 : shape[$0] } : kept.map { shape[$0] }
    let outCount = kept.reduce(1) { $0 * shape[$1] }
    let reduceCount = red.reduce(1) { $0 * shape[$1] }
    return ReductionPlan(
      permuted: permuted, outShape: outShape, outCount: outCount, reduceCount: reduceCount)
  }

  /// Calls `body` with the permuted input as a contiguous buffer of `C` (row `i` of the
  /// reduction starts at `i * reduceCount`).
  static func withReductionRows<C: KernelScalar, R>(
    _ plan: ReductionPlan, _: C.Type, _ body: (UnsafePointer<C>) -> R
  ) -> R {
    unsafe withContiguousValues(plan.permuted, C.self, body)
  }

  /// Pairwise sum of `n` contiguous values (blocks of 16 summed left to right).
  static func pairwiseSum<C: KernelScalar>(_ p: UnsafePointer<C>, _ n: Int) -> C {
    if n <= 16 {
      var s = C.kernelZero
      for i in 0..<n { s = unsafe C.kernelAdd(s, p[i]) }
      return s
    }
    // Split on a multiple of 16 so that blocks stay aligned to the start of the row.
    let half = ((n / 16 + 1) / 2) * 16
    return unsafe C.kernelAdd(pairwiseSum(p, half), pairwiseSum(p + half, n - half))
  }

  private func sumOrMean(
    _ op: String, dims: [Int]?, keepdim: Bool, isMean: Bool
  ) throws(TensorError) -> Tensor {
    let plan = try reductionPlan(op, dims: dims, keepdim: keepdim)
    if isMean && !dtype.isFloatingPoint {
      throw TensorError(
        .unsupportedDType,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.pytorchName.capitalized)"
      )
    }
    let result = dtype.isFloatingPoint ? dtype : .int64
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe Tensor.makeComputed(C.self, shape: plan.outShape, dtype: result, device: device) {
        out, n in
        unsafe Tensor.withReductionRows(plan, C.self) { p in
          let r = plan.reduceCount
          for i in 0..<n {
            let s = unsafe Tensor.pairwiseSum(p + i * r, r)
            unsafe out[i] = isMean ? C.kernelDiv(s, C(kernelInt: Int64(r))) : s
          }
        }
      }
    }
    switch ComputeKind(result) {
    case .float: return run(Float.self)
    case .double: return run(Double.self)
    case .int: return run(Int64.self)
    }
  }

  /// The sum over `dims` (all dimensions when `nil` or empty), as `torch.sum`.
  ///
  /// Integer and bool tensors sum to int64; floating tensors keep their dtype (float16 and
  /// bfloat16 accumulate in float32). See the type's notes for the summation order.
  /// - Parameters:
  ///   - dims: the dimensions to reduce; negative values count from the end.
  ///   - keepdim: whether reduced dimensions stay as size 1.
  /// - Throws: `.outOfBounds` for a dim out of range, `.invalidArgument` for a repeated dim.
  public func sum(dims: [Int]? = nil, keepdim: Bool = false) throws(TensorError) -> Tensor {
    try sumOrMean("sum", dims: dims, keepdim: keepdim, isMean: false)
  }

  /// The mean over `dims` (all when `nil` or empty), as `torch.mean`: the sum divided by the
  /// number of reduced elements; an empty reduction gives NaN.
  ///
  /// - Throws: `.unsupportedDType` for integer or bool tensors (as PyTorch).
  public func mean(dims: [Int]? = nil, keepdim: Bool = false) throws(TensorError) -> Tensor {
    try sumOrMean("mean", dims: dims, keepdim: keepdim, isMean: true)
  }

  /// Index of the first extremum of a row; NaN counts as the extremum (first NaN wins).
  static func extremum<C: KernelScalar>(_ p: UnsafePointer<C>, _ n: Int, isMax: Bool) -> (C, Int) {
    var best = unsafe p[0]
    var at = 0
    if best.kernelIsNaN { return (best, 0) }
    for i in 1..<n {
      let v = unsafe p[i]
      if v.kernelIsNaN { return (v, i) }
      if isMax ? v > best : v < best {
        best = v
        at = i
      }
    }
    return (best, at)
  }

  private func extremum(
    _ op: String, dim: Int?, keepdim: Bool, isMax: Bool
  ) throws(TensorError) -> (values: Tensor, indices: Tensor) {
    let plan = try reductionPlan(op, dims: dim.map { [$0] }, keepdim: keepdim)
    guard plan.reduceCount > 0 else {
      if let dim {
        throw TensorError(
          .invalidArgument, "\(op)(): Expected reduction dim \(dim) to have non-zero size.")
      }
      throw TensorError(
        .invalidArgument,
        "\(op)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
      )
    }
    var indices = Tensor(zeros: plan.outShape, dtype: .int64, device: device)
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      var idx = [Int64](repeating: 0, count: plan.outCount)
      let values = unsafe Tensor.makeComputed(
        C.self, shape: plan.outShape, dtype: dtype, device: device
      ) {
        out, n in
        unsafe Tensor.withReductionRows(plan, C.self) { p in
          for i in 0..<n {
            let (v, at) = unsafe Tensor.extremum(
              p + i * plan.reduceCount, plan.reduceCount, isMax: isMax)
            unsafe out[i] = v
            idx[i] = Int64(at)
          }
        }
      }
      indices = Tensor(idx, shape: plan.outShape).tagged(device)
      return values
    }
    let values: Tensor
    switch ComputeKind(dtype) {
    case .float: values = run(Float.self)
    case .double: values = run(Double.self)
    case .int: values = run(Int64.self)
    }
    return (values, indices)
  }

  /// The largest element (`torch.max(t)`), a 0-d tensor of the same dtype; NaN propagates.
  ///
  /// - Throws: `.invalidArgument` for an empty tensor.
  public func max() throws(TensorError) -> Tensor {
    try extremum("max", dim: nil, keepdim: false, isMax: true).values
  }

  /// The largest elements along `dim` and their indices (`torch.max(t, dim, keepdim)`): the
  /// first occurrence wins ties, and the first NaN wins over numbers.
  ///
  /// - Throws: `.outOfBounds` for a bad dim, `.invalidArgument` when the dim has size 0.
  public func max(dim: Int, keepdim: Bool = false) throws(TensorError) -> (
    values: Tensor, indices: Tensor
  ) {
    try extremum("max", dim: dim, keepdim: keepdim, isMax: true)
  }

  /// The smallest element (`torch.min(t)`); NaN propagates.
  public func min() throws(TensorError) -> Tensor {
    try extremum("min", dim: nil, keepdim: false, isMax: false).values
  }

  /// The smallest elements along `dim` and their indices (`torch.min(t, dim, keepdim)`).
  public func min(dim: Int, keepdim: Bool = false) throws(TensorError) -> (
    values: Tensor, indices: Tensor
  ) {
    try extremum("min", dim: dim, keepdim: keepdim, isMax: false)
  }

  /// The index of the largest element (`torch.argmax`): along `dim`, or into the flattened
  /// tensor when `dim` is `nil`; int64.
  public func argmax(dim: Int? = nil, keepdim: Bool = false) throws(TensorError) -> Tensor {
    try extremum("argmax", dim: dim, keepdim: dim == nil ? false : keepdim, isMax: true).indices
  }

  /// The index of the smallest element (`torch.argmin`), as `argmax`.
  public func argmin(dim: Int? = nil, keepdim: Bool = false) throws(TensorError) -> Tensor {
    try extremum("argmin", dim: dim, keepdim: dim == nil ? false : keepdim, isMax: false).indices
  }
}
