internal import COpenBLAS

/// OpenBLAS, the only file that calls `cblas_*` and `openblas_*`.
///
/// The thread count is process-wide state inside OpenBLAS (as `torch.set_num_threads` is for
/// PyTorch's BLAS); set it before starting work that must be reproducible across runs.
public enum BLAS {
  /// Sets the number of threads OpenBLAS uses (`openblas_set_num_threads`).
  ///
  /// - Parameter count: the thread count; values below 1 are treated as 1.
  public static func setThreadCount(_ count: Int) {
    // After `stopIdleThreads`, raising the count would create threads that the pool's lazy
    // restart creates again in the same slots; the pool is restarted first.
    repro_openblas_start_threads()
    openblas_set_num_threads(Int32(clamping: Swift.max(1, count)))
  }

  /// Stops OpenBLAS's worker threads until the next threaded BLAS call, which starts them again.
  ///
  /// OpenBLAS starts its pool when it loads, and each worker then waits for work by calling
  /// `sched_yield` in a loop for about 2^28 cycles (0.1 s) before it sleeps. A command that uses
  /// no BLAS pays that on every core it shares with the pool: 13% of the CPU time of
  /// `repro inspect` on a 498 MB file on 2 cores. Call it at the start of a process; with a serial
  /// OpenBLAS it does nothing.
  public static func stopIdleThreads() {
    _ = repro_openblas_stop_threads()
  }

  /// The number of threads OpenBLAS uses (`openblas_get_num_threads`).
  public static var threadCount: Int { Int(openblas_get_num_threads()) }

  /// Whether a dimension fits BLAS's 32-bit integer arguments.
  static func fits(_ values: Int...) -> Bool { values.allSatisfy { $0 <= Int(Int32.max) } }

  /// Row-major `C = alpha * op(A) * op(B) + beta * C` in float32 (`cblas_sgemm`).
  ///
  /// The caller checks `fits(m, n, k, lda, ldb, ldc)`.
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    unsafe cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  /// Row-major `C = alpha * op(A) * op(B) + beta * C` in float64 (`cblas_dgemm`).
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    unsafe cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

/// A kernel type with a BLAS gemm (Float, Double).
protocol GemmScalar: KernelFloat {
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: GemmScalar {
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    unsafe BLAS.gemm(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
      beta: 0, c: c, ldc: ldc)
  }
}

extension Double: GemmScalar {
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    unsafe BLAS.gemm(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
      beta: 0, c: c, ldc: ldc)
  }
}
