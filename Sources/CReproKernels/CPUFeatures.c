// Which build of the kernels this CPU runs. See CReproKernels.h.
#include "CPUFeatures.h"

#include "CReproKernels.h"

int repro_kernels_have_avx2_fma(void) {
#if REPRO_X86_KERNELS
  // __builtin_cpu_supports checks CPUID and that the OS saves the YMM registers (XCR0); the
  // answer cannot change while the process runs, so a racy first computation is harmless.
  static volatile int cached = -1;
  int v = cached;
  if (v < 0) {
    __builtin_cpu_init();
    v = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    cached = v;
  }
  return v;
#else
  return 0;
#endif
}
