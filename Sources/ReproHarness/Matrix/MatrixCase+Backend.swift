import ReproTensor

extension MatrixCase.Backend {
  /// Runs `body` on this backend: the reference kernels, OpenBLAS with one thread, or OpenBLAS
  /// with `threads` threads for `blasN` (the runner's `--threads`, for forward passes and
  /// training alike).
  func withSettings<R>(threads: Int, _ body: () throws -> R) throws -> R {
    BLAS.setThreadCount(self == .blasN ? max(1, threads) : 1)
    return try ComputeBackend.$current.withValue(self == .reference ? .reference : .blas) {
      try body()
    }
  }
}
