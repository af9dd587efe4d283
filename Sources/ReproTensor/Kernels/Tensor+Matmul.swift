/// Matrix products: `matmul` (1-d, 2-d and broadcast batched) and `linear`.
///
/// float32/float64 run on `cblas_sgemm`/`cblas_dgemm` under `ComputeBackend.blas` (transposed
/// or otherwise strided operands are passed with trans flags and leading dimensions when one
/// stride is 1, and copied to a contiguous buffer otherwise). float16/bfloat16 are converted to
/// float32, multiplied in float32 and rounded once (PyTorch's CPU opmath). Integer dtypes use the
/// reference loops (wrapping int64 accumulation) on both backends.
extension Tensor {
  /// The matrix product (`torch.matmul`), following PyTorch's rank rules: 1-d · 1-d is a dot
  /// product (0-d result), a 1-d left operand is a row vector and a 1-d right operand a column
  /// vector (the added dimension is removed from the result), and leading batch dimensions
  /// broadcast.
  ///
  /// - Throws: `.invalidArgument` for 0-d operands, `.dtypeMismatch` when the dtypes differ,
  ///   `.shapeMismatch` when the inner sizes differ or the batch dims do not broadcast,
  ///   `.unsupportedDType` for bool and complex.
  public func matmul(_ other: Tensor) throws(TensorError) -> Tensor {
    guard rank >= 1 && other.rank >= 1 else {
      throw TensorError(
        .invalidArgument,
        "both arguments to matmul need to be at least 1D, but they are \(rank)D and \(other.rank)D")
    }
    guard dtype == other.dtype else {
      throw TensorError(
        .dtypeMismatch,
        "expected m1 and m2 to have the same dtype, but got: \(dtype.pytorchName) != \(other.dtype.pytorchName)"
      )
    }
    guard dtype != .bool && !dtype.isComplex && !dtype.usesUntypedStorage else {
      throw TensorError(.unsupportedDType, "matmul: dtype \(dtype.pytorchName) is not supported")
    }
    var a = rank == 1 ? try unsqueezed(0) : self
    let b = other.rank == 1 ? try other.unsqueezed(1) : other
    let m = a.shape[a.rank - 2]
    let k = a.shape[a.rank - 1]
    let k2 = b.shape[b.rank - 2]
    let n = b.shape[b.rank - 1]
    guard k == k2 else {
      throw TensorError(
        .shapeMismatch, "mat1 and mat2 shapes cannot be multiplied (\(m)x\(k) and \(k2)x\(n))")
    }
    var batch = try Broadcast.shape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
    var finalShape = batch + [m, n]
    if rank == 1 { finalShape.remove(at: finalShape.count - 2) }
    if other.rank == 1 { finalShape.removeLast() }
    // A batch against one matrix is one tall product when the batch folds into the rows.
    if b.rank == 2 && a.rank > 2, let folded = try? a.view([-1, k]) {
      a = folded
      batch = []
    }
    let rows = a.rank == 2 ? a.shape[0] : m
    let backend = ComputeBackend.current
    let out: Tensor
    switch ComputeKind(dtype) {
    case .float:
      out = unsafe Tensor.batchedMatmul(a, b, batch: batch, m: rows, n: n, k: k, Float.self, dtype)
      {
        x, y, o, m, n, k in
        unsafe backend == .blas
          ? Tensor.gemmProduct(x, y, o, m, n, k)
          : ReferenceKernels.matmul(x, y, into: o, m: m, n: n, k: k)
      }
    case .double:
      out = unsafe Tensor.batchedMatmul(a, b, batch: batch, m: rows, n: n, k: k, Double.self, dtype)
      {
        x, y, o, m, n, k in
        unsafe backend == .blas
          ? Tensor.gemmProduct(x, y, o, m, n, k)
          : ReferenceKernels.matmul(x, y, into: o, m: m, n: n, k: k)
      }
    case .int:
      out = unsafe Tensor.batchedMatmul(a, b, batch: batch, m: rows, n: n, k: k, Int64.self, dtype)
      {
        x, y, o, m, n, k in
        unsafe ReferenceKernels.matmul(x, y, into: o, m: m, n: n, k: k)
      }
    }
    return try out.view(finalShape)
  }

  /// `input @ weight^T + bias` (`torch.nn.functional.linear`): `input` is [..., in], `weight`
  /// [out, in] and `bias` [out]; the transposed weight is passed to gemm with a trans flag, not
  /// copied.
  ///
  /// - Throws: as `matmul` and `add`.
  public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil)
    throws(TensorError) -> Tensor
  {
    let wt = weight.rank == 2 ? try weight.transposed(0, 1) : weight
    let y = try input.matmul(wt)
    guard let bias else { return y }
    return try y.add(bias)
  }

  /// Runs `core` on each (broadcast) batch matrix pair, writing a contiguous [batch, m, n].
  private static func batchedMatmul<C: KernelScalar>(
    _ a: Tensor, _ b: Tensor, batch: [Int], m: Int, n: Int, k: Int, _: C.Type, _ result: DType,
    _ core: (MatrixView<C>, MatrixView<C>, UnsafeMutablePointer<C>, Int, Int, Int) -> Void
  ) -> Tensor {
    unsafe Tensor.makeComputed(C.self, shape: batch + [m, n], dtype: result, device: a.device) {
      out, _ in
      unsafe withMatrixData(a, C.self) { pa, sa in
        unsafe withMatrixData(b, C.self) { pb, sb in
          let abs = Broadcast.strides(
            shape: Array(a.shape.dropLast(2)), strides: Array(sa.dropLast(2)), to: batch)
          let bbs = Broadcast.strides(
            shape: Array(b.shape.dropLast(2)), strides: Array(sb.dropLast(2)), to: batch)
          let loop = ElementLoop(shape: batch, strides: [abs, bbs])
          var index = 0
          loop.forEachRow { off, count, st in
            for i in 0..<count {
              let x = unsafe MatrixView(
                base: pa + off[0] + i * st[0], rowStride: sa[sa.count - 2],
                colStride: sa[sa.count - 1])
              let y = unsafe MatrixView(
                base: pb + off[1] + i * st[1], rowStride: sb[sb.count - 2],
                colStride: sb[sb.count - 1])
              unsafe core(x, y, out + index * m * n, m, n, k)
              index += 1
            }
          }
        }
      }
    }
  }

  /// Calls `body` with `t`'s elements as `C` (in place when the dtype matches) and its strides.
  private static func withMatrixData<C: KernelScalar, R>(
    _ t: Tensor, _: C.Type, _ body: (UnsafePointer<C>, [Int]) -> R
  ) -> R {
    unsafe Elementwise.withOperand(t, C.self, broadcastTo: t.shape, rounding: nil) { p, _ in
      unsafe body(p, t.dtype == C.naturalDType ? t.strides : Tensor.contiguousStrides(for: t.shape))
    }
  }

  /// How BLAS can read a strided rows×cols matrix: (transposed?, leading dimension), or nil
  /// when neither stride is 1 (or the leading dimension would be too small).
  static func blasLayout(rows: Int, cols: Int, rowStride: Int, colStride: Int) -> (
    trans: Bool, ld: Int
  )? {
    if (colStride == 1 || cols == 1) && (rows == 1 || rowStride >= Swift.max(1, cols)) {
      return (false, rows == 1 ? Swift.max(1, cols) : Swift.max(1, rowStride))
    }
    if (rowStride == 1 || rows == 1) && (cols == 1 || colStride >= Swift.max(1, rows)) {
      return (true, cols == 1 ? Swift.max(1, rows) : Swift.max(1, colStride))
    }
    return nil
  }

  /// One product on BLAS; operands BLAS cannot read are copied to row-major buffers first.
  static func gemmProduct<C: GemmScalar>(
    _ a: MatrixView<C>, _ b: MatrixView<C>, _ out: UnsafeMutablePointer<C>, _ m: Int, _ n: Int,
    _ k: Int
  ) {
    if m == 0 || n == 0 { return }
    if k == 0 {
      unsafe out.update(repeating: C.kernelZero, count: m * n)
      return
    }
    func run(
      _ pa: UnsafePointer<C>, _ la: (trans: Bool, ld: Int), _ pb: UnsafePointer<C>,
      _ lb: (trans: Bool, ld: Int)
    ) {
      guard BLAS.fits(m, n, k, la.ld, lb.ld) else {
        unsafe ReferenceKernels.matmul(a, b, into: out, m: m, n: n, k: k)
        return
      }
      unsafe C.gemm(
        transA: la.trans, transB: lb.trans, m: m, n: n, k: k, a: pa, lda: la.ld, b: pb, ldb: lb.ld,
        c: out, ldc: n)
    }
    func packed(
      _ v: MatrixView<C>, _ rows: Int, _ cols: Int,
      _ body: (UnsafePointer<C>, (trans: Bool, ld: Int)) -> Void
    ) {
      if let l = unsafe blasLayout(
        rows: rows, cols: cols, rowStride: v.rowStride, colStride: v.colStride)
      {
        unsafe body(v.base, l)
        return
      }
      let buf = UnsafeMutablePointer<C>.allocate(capacity: rows * cols)
      defer { unsafe buf.deallocate() }
      for i in 0..<rows { for j in 0..<cols { unsafe buf[i * cols + j] = v[i, j] } }
      unsafe body(buf, (false, cols))
    }
    unsafe packed(a, m, k) { pa, la in
      unsafe packed(b, k, n) { pb, lb in unsafe run(pa, la, pb, lb) }
    }
  }
}
