/// Which implementation runs matmul, linear and conv2d: the plain reference loops or OpenBLAS.
///
/// The setting is scoped to a task (`@TaskLocal`), never global:
///
/// ```swift
/// let y = try ComputeBackend.$current.withValue(.reference) { try a.matmul(b) }
/// ```
///
/// Elementwise ops, reductions and pooling have a single implementation and ignore it.
public enum ComputeBackend: String, Sendable, CaseIterable {
  /// Triple-loop matmul and direct convolution, accumulating in the opmath type in index order.
  /// Slow, simple and deterministic: the oracle in tests.
  case reference
  /// `cblas_sgemm`/`cblas_dgemm` (convolution by im2col + gemm). Results depend on OpenBLAS's
  /// kernel and thread count within rounding.
  case blas

  /// The backend of the current task; `.blas` unless set with `$current.withValue(_:)`.
  @TaskLocal public static var current: ComputeBackend = .blas
}
