#include <cblas.h>

// OpenBLAS's thread pool, declared weak: the pthreads and OpenMP builds define both functions,
// a serial build neither, and then the calls below do nothing.
extern int blas_thread_init(void) __attribute__((weak));
extern int blas_thread_shutdown_(void) __attribute__((weak));

/// Stops OpenBLAS's worker threads; the next threaded BLAS call starts them again (the path
/// OpenBLAS takes after a fork). Returns whether there was a pool to stop.
static inline int repro_openblas_stop_threads(void) {
  if (!blas_thread_shutdown_) return 0;
  blas_thread_shutdown_();
  return 1;
}

/// Starts OpenBLAS's worker threads if they are stopped (a no-op when they run).
static inline void repro_openblas_start_threads(void) {
  if (blas_thread_init) blas_thread_init();
}
