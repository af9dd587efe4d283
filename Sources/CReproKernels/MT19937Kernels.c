// The MT19937 engine's bulk steps (PyTorch's at::mt19937, torch-rng.md §2-3). See
// CReproKernels.h. Integer operations and exact conversions only, so every build gives the same
// bits; the AVX2 build lets the compiler vectorise the loops 8 words wide.
#include "CReproKernels.h"

#include "CPUFeatures.h"

enum { kWords = 624, kShift = 397 };

static inline __attribute__((always_inline)) uint32_t mix(uint32_t u, uint32_t v) {
  uint32_t y = (u & 0x80000000u) | (v & 0x7FFFFFFFu);
  return (y >> 1) ^ ((v & 1u) ? 0x9908B0DFu : 0u);
}

static inline __attribute__((always_inline)) uint32_t temper(uint32_t y) {
  y ^= y >> 11;
  y ^= (y << 7) & 0x9D2C5680u;
  y ^= (y << 15) & 0xEFC60000u;
  y ^= y >> 18;
  return y;
}

static inline __attribute__((always_inline)) void twist_body(uint32_t *restrict st) {
  // i < 227 reads only words not yet rewritten; later i read st[i - 227], rewritten 227 steps
  // before, further back than any vector width.
  for (int i = 0; i < kWords - kShift; i++) {
    st[i] = st[i + kShift] ^ mix(st[i], st[i + 1]);
  }
  for (int i = kWords - kShift; i < kWords - 1; i++) {
    st[i] = st[i + kShift - kWords] ^ mix(st[i], st[i + 1]);
  }
  st[kWords - 1] = st[kShift - 1] ^ mix(st[kWords - 1], st[0]);
}

static inline __attribute__((always_inline)) void temper_body(const uint32_t *restrict words,
                                                              uint32_t *restrict out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    out[i] = temper(words[i]);
  }
}

static inline __attribute__((always_inline)) void u24_body(const uint32_t *restrict words,
                                                           float *restrict out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    out[i] = (float)(int32_t)(temper(words[i]) & 0xFFFFFFu) * 0x1p-24f;
  }
}

#if REPRO_X86_KERNELS
#define AVX2_FMA __attribute__((target("avx2,fma")))
#else
#define AVX2_FMA
#endif

void repro_mt19937_twist_scalar(uint32_t *st) { twist_body(st); }
AVX2_FMA static void twist_avx2(uint32_t *st) { twist_body(st); }
void repro_mt19937_temper_scalar(const uint32_t *w, uint32_t *o, size_t n) {
  temper_body(w, o, n);
}
AVX2_FMA static void temper_avx2(const uint32_t *w, uint32_t *o, size_t n) {
  temper_body(w, o, n);
}
void repro_mt19937_uniform24_scalar(const uint32_t *w, float *o, size_t n) { u24_body(w, o, n); }
AVX2_FMA static void u24_avx2(const uint32_t *w, float *o, size_t n) { u24_body(w, o, n); }

void repro_mt19937_twist(uint32_t *state) {
  if (repro_kernels_have_avx2_fma()) {
    twist_avx2(state);
  } else {
    repro_mt19937_twist_scalar(state);
  }
}

void repro_mt19937_temper(const uint32_t *words, uint32_t *out, size_t n) {
  if (repro_kernels_have_avx2_fma()) {
    temper_avx2(words, out, n);
  } else {
    repro_mt19937_temper_scalar(words, out, n);
  }
}

void repro_mt19937_uniform24(const uint32_t *words, float *out, size_t n) {
  if (repro_kernels_have_avx2_fma()) {
    u24_avx2(words, out, n);
  } else {
    repro_mt19937_uniform24_scalar(words, out, n);
  }
}
