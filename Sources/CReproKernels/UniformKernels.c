// The affine step of PyTorch 2.13's uniform_ (torch-rng.md §5). See CReproKernels.h.
#include "CReproKernels.h"

#include <math.h>

#include "CPUFeatures.h"

// No contraction: the only fused multiply-adds are the explicit fma/fmaf calls.
#pragma STDC FP_CONTRACT OFF

// The loop bodies are written once and built twice: plainly (fmaf/fma are libm calls on a CPU
// without FMA) and for AVX2+FMA (the compiler turns them into vfmadd and vectorises the loop).

static inline __attribute__((always_inline)) void uniform_f32_body(float *x, size_t n,
                                                                   float from, float range,
                                                                   float to) {
  for (size_t i = 0; i < n; i++) {
    float v = fmaf(x[i], range, from);
    x[i] = v == to ? from : v;
  }
}

static inline __attribute__((always_inline)) void uniform_f64_body(double *x, size_t n,
                                                                   double from, double range,
                                                                   double to) {
  for (size_t i = 0; i < n; i++) {
    double v = fma(x[i], range, from);
    x[i] = v == to ? from : v;
  }
}

static inline __attribute__((always_inline)) void fma_f32_body(float *x, size_t n, float scale,
                                                               float offset) {
  for (size_t i = 0; i < n; i++) {
    x[i] = fmaf(x[i], scale, offset);
  }
}

void repro_uniform_f32_scalar(float *x, size_t n, float from, float range, float to) {
  uniform_f32_body(x, n, from, range, to);
}

void repro_uniform_f64_scalar(double *x, size_t n, double from, double range, double to) {
  uniform_f64_body(x, n, from, range, to);
}

void repro_fma_f32_scalar(float *x, size_t n, float scale, float offset) {
  fma_f32_body(x, n, scale, offset);
}

#if REPRO_X86_KERNELS
#define AVX2_FMA __attribute__((target("avx2,fma")))
#else
#define AVX2_FMA
#endif

AVX2_FMA void repro_uniform_f32_avx2(float *x, size_t n, float from, float range, float to) {
  uniform_f32_body(x, n, from, range, to);
}

AVX2_FMA void repro_uniform_f64_avx2(double *x, size_t n, double from, double range, double to) {
  uniform_f64_body(x, n, from, range, to);
}

AVX2_FMA void repro_fma_f32_avx2(float *x, size_t n, float scale, float offset) {
  fma_f32_body(x, n, scale, offset);
}

void repro_uniform_f32(float *x, size_t n, float from, float range, float to) {
  if (repro_kernels_have_avx2_fma()) {
    repro_uniform_f32_avx2(x, n, from, range, to);
  } else {
    repro_uniform_f32_scalar(x, n, from, range, to);
  }
}

void repro_uniform_f64(double *x, size_t n, double from, double range, double to) {
  if (repro_kernels_have_avx2_fma()) {
    repro_uniform_f64_avx2(x, n, from, range, to);
  } else {
    repro_uniform_f64_scalar(x, n, from, range, to);
  }
}

void repro_fma_f32(float *x, size_t n, float scale, float offset) {
  if (repro_kernels_have_avx2_fma()) {
    repro_fma_f32_avx2(x, n, scale, offset);
  } else {
    repro_fma_f32_scalar(x, n, scale, offset);
  }
}
