// The 16-wide Box-Muller blocks of PyTorch 2.13's vectorised normal_fill (torch-rng.md §6.2,
// §6.4). See CReproKernels.h.
#define _GNU_SOURCE
#include "CReproKernels.h"

#include <math.h>
#include <string.h>

#include "CPUFeatures.h"

// No contraction: every multiply and add below rounds on its own unless written as fma.
#pragma STDC FP_CONTRACT OFF

// Constants of avx_mathfun.h, as float32 bit patterns read from libtorch_cpu.so 2.13.
enum {
  kTwoPi = 0x40C90FDBu,
  kSqrtHalf = 0x3F3504F3u,
  kMinNormal = 0x00800000u,
  kP0 = 0x3D9021BBu,
  kP1 = 0xBDEBD1B8u,
  kP2 = 0x3DEF251Au,
  kP3 = 0xBDFE5D4Fu,
  kP4 = 0x3E11E9BFu,
  kP5 = 0xBE2AAE50u,
  kP6 = 0x3E4CCEACu,
  kP7 = 0xBE7FFFFCu,
  kP8 = 0x3EAAAAAAu,
  kQ1 = 0xB95E8083u,
  kQ2 = 0x3F318000u,
  kFourOverPi = 0x3FA2F983u,
  kMinusDP1 = 0xBF490000u,
  kMinusDP2 = 0xB97DA000u,
  kMinusDP3 = 0xB3222169u,
  kCP0 = 0x37CCF5CEu,
  kCP1 = 0xBAB6061Au,
  kCP2 = 0x3D2AAAA5u,
  kSP0 = 0xB94CA1F9u,
  kSP1 = 0x3C08839Eu,
  kSP2 = 0xBE2AAAA3u,
};

static inline float from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

static inline uint32_t to_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

// ---- Scalar build: the same operations one lane at a time, fmaf for every fused step. ----

// log256_ps for x in [2^-24, 1].
static inline float scalar_log(float input) {
  float x = input > from_bits(kMinNormal) ? input : from_bits(kMinNormal);
  uint32_t bits = to_bits(x);
  float e = (float)((int32_t)(bits >> 23) - 127) + 1.0f;
  x = from_bits((bits & 0x807FFFFFu) | 0x3F000000u);
  int below = x < from_bits(kSqrtHalf);
  float t = below ? x : 0.0f;
  x = x - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  x = x + t;
  float z = x * x;
  float y = fmaf(from_bits(kP0), x, from_bits(kP1));
  y = fmaf(y, x, from_bits(kP2));
  y = fmaf(y, x, from_bits(kP3));
  y = fmaf(y, x, from_bits(kP4));
  y = fmaf(y, x, from_bits(kP5));
  y = fmaf(y, x, from_bits(kP6));
  y = fmaf(y, x, from_bits(kP7));
  y = fmaf(y, x, from_bits(kP8));
  y = y * x;
  float eq1 = e * from_bits(kQ1);
  y = fmaf(y, z, eq1);
  y = fmaf(-z, 0.5f, y);
  x = x + y;
  return fmaf(e, from_bits(kQ2), x);
}

// sincos256_ps.
static inline void scalar_sincos(float input, float *sin_out, float *cos_out) {
  uint32_t sign_sin = to_bits(input) & 0x80000000u;
  float ax = fabsf(input);
  float y = ax * from_bits(kFourOverPi);
  int32_t j = ((int32_t)y + 1) & ~1;
  y = (float)j;
  sign_sin ^= (uint32_t)(j & 4) << 29;
  uint32_t sign_cos = (uint32_t)(~(j - 2) & 4) << 29;
  int poly_for_sin = (j & 2) == 0;
  float x = fmaf(y, from_bits(kMinusDP1), ax);
  x = fmaf(from_bits(kMinusDP2), y, x);
  x = fmaf(y, from_bits(kMinusDP3), x);
  float z = x * x;
  float h = z * 0.5f;
  float c = fmaf(from_bits(kCP0), z, from_bits(kCP1));
  c = fmaf(c, z, from_bits(kCP2));
  c = z * c;
  c = fmaf(z, c, -h);
  c = c + 1.0f;
  float s = fmaf(from_bits(kSP0), z, from_bits(kSP1));
  s = fmaf(s, z, from_bits(kSP2));
  s = z * s;
  s = fmaf(x, s, x);
  float sin_poly = poly_for_sin ? s : c;
  float cos_poly = poly_for_sin ? c : s;
  *sin_out = from_bits(to_bits(sin_poly) ^ sign_sin);
  *cos_out = from_bits(to_bits(cos_poly) ^ sign_cos);
}

void repro_normal16_f32_scalar(const float *in, float *out, size_t blocks, float mean,
                               float std) {
  for (size_t b = 0; b < blocks; b++) {
    const float *d = in + 16 * b;
    float *o = out + 16 * b;
    for (int j = 0; j < 8; j++) {
      float u1 = 1.0f - d[j];
      float u2 = d[j + 8];
      float radius = sqrtf(-2.0f * scalar_log(u1));
      float theta = from_bits(kTwoPi) * u2;
      float s, c;
      scalar_sincos(theta, &s, &c);
      float n1 = radius * c;
      float n2 = radius * s;
      o[j] = fmaf(n1, std, mean);
      o[j + 8] = fmaf(n2, std, mean);
    }
  }
}

void repro_normal16_f32_libm(const float *in, float *out, size_t blocks, float mean,
                             float std) {
  for (size_t b = 0; b < blocks; b++) {
    const float *d = in + 16 * b;
    float *o = out + 16 * b;
    for (int j = 0; j < 8; j++) {
      float u1 = 1.0f - d[j];
      float radius = sqrtf(-2.0f * logf(u1));
      float theta = (float)(6.283185307179586 * (double)d[j + 8]);
      float s, c;
#if defined(__APPLE__)
      __sincosf(theta, &s, &c);
#else
      sincosf(theta, &s, &c);
#endif
      float n1 = radius * c;
      float n2 = radius * s;
      o[j] = fmaf(n1, std, mean);
      o[j + 8] = fmaf(n2, std, mean);
    }
  }
}

// ---- float64: libm log and sincos; the fma is an instruction in the AVX2 build. ----

static inline __attribute__((always_inline)) void normal16_f64_body(const double *in,
                                                                    double *out, size_t blocks,
                                                                    double mean, double std) {
  for (size_t b = 0; b < blocks; b++) {
    const double *d = in + 16 * b;
    double *o = out + 16 * b;
    for (int j = 0; j < 8; j++) {
      double u1 = 1.0 - d[j];
      double radius = sqrt(-2.0 * log(u1));
      double theta = 6.283185307179586 * d[j + 8];
      double s, c;
#if defined(__APPLE__)
      __sincos(theta, &s, &c);
#else
      sincos(theta, &s, &c);
#endif
      double n1 = radius * c;
      double n2 = radius * s;
      o[j] = fma(n1, std, mean);
      o[j + 8] = fma(n2, std, mean);
    }
  }
}

void repro_normal16_f64_scalar(const double *in, double *out, size_t blocks, double mean,
                               double std) {
  normal16_f64_body(in, out, blocks, mean, std);
}

#if REPRO_X86_KERNELS
#include <immintrin.h>

#define AVX2_FMA __attribute__((target("avx2,fma")))

AVX2_FMA static inline __m256 splat(uint32_t bits) {
  return _mm256_castsi256_ps(_mm256_set1_epi32((int)bits));
}

// log256_ps with GCC's contractions (torch-rng.md §6.2).
AVX2_FMA static inline __m256 avx2_log(__m256 x, __m256 one) {
  x = _mm256_max_ps(x, splat(kMinNormal));
  __m256i exponent = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
  x = _mm256_and_ps(x, splat(0x807FFFFFu));
  x = _mm256_or_ps(x, splat(0x3F000000u));
  exponent = _mm256_sub_epi32(exponent, _mm256_set1_epi32(127));
  __m256 e = _mm256_cvtepi32_ps(exponent);
  e = _mm256_add_ps(e, one);
  __m256 below = _mm256_cmp_ps(x, splat(kSqrtHalf), _CMP_LT_OS);
  __m256 t = _mm256_and_ps(x, below);
  x = _mm256_sub_ps(x, one);
  e = _mm256_sub_ps(e, _mm256_and_ps(one, below));
  x = _mm256_add_ps(x, t);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_fmadd_ps(splat(kP0), x, splat(kP1));
  y = _mm256_fmadd_ps(y, x, splat(kP2));
  y = _mm256_fmadd_ps(y, x, splat(kP3));
  y = _mm256_fmadd_ps(y, x, splat(kP4));
  y = _mm256_fmadd_ps(y, x, splat(kP5));
  y = _mm256_fmadd_ps(y, x, splat(kP6));
  y = _mm256_fmadd_ps(y, x, splat(kP7));
  y = _mm256_fmadd_ps(y, x, splat(kP8));
  y = _mm256_mul_ps(y, x);
  y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, splat(kQ1)));
  y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
  x = _mm256_add_ps(x, y);
  return _mm256_fmadd_ps(e, splat(kQ2), x);
}

// sincos256_ps with GCC's contractions (torch-rng.md §6.2).
AVX2_FMA static inline void avx2_sincos(__m256 input, __m256 one, __m256 *sin_out,
                                        __m256 *cos_out) {
  __m256 sign_sin = _mm256_and_ps(input, splat(0x80000000u));
  __m256 ax = _mm256_and_ps(input, splat(0x7FFFFFFFu));
  __m256 y = _mm256_mul_ps(ax, splat(kFourOverPi));
  __m256i j = _mm256_cvttps_epi32(y);
  j = _mm256_add_epi32(j, _mm256_set1_epi32(1));
  j = _mm256_and_si256(j, _mm256_set1_epi32(~1));
  y = _mm256_cvtepi32_ps(j);
  __m256i swap_sin = _mm256_slli_epi32(_mm256_and_si256(j, _mm256_set1_epi32(4)), 29);
  __m256i poly_mask =
      _mm256_cmpeq_epi32(_mm256_and_si256(j, _mm256_set1_epi32(2)), _mm256_setzero_si256());
  __m256i sign_cos = _mm256_slli_epi32(
      _mm256_andnot_si256(_mm256_sub_epi32(j, _mm256_set1_epi32(2)), _mm256_set1_epi32(4)), 29);
  sign_sin = _mm256_xor_ps(sign_sin, _mm256_castsi256_ps(swap_sin));
  __m256 x = _mm256_fmadd_ps(y, splat(kMinusDP1), ax);
  x = _mm256_fmadd_ps(splat(kMinusDP2), y, x);
  x = _mm256_fmadd_ps(y, splat(kMinusDP3), x);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 h = _mm256_mul_ps(z, _mm256_set1_ps(0.5f));
  __m256 c = _mm256_fmadd_ps(splat(kCP0), z, splat(kCP1));
  c = _mm256_fmadd_ps(c, z, splat(kCP2));
  c = _mm256_mul_ps(z, c);
  c = _mm256_fmsub_ps(z, c, h);
  c = _mm256_add_ps(c, one);
  __m256 s = _mm256_fmadd_ps(splat(kSP0), z, splat(kSP1));
  s = _mm256_fmadd_ps(s, z, splat(kSP2));
  s = _mm256_mul_ps(z, s);
  s = _mm256_fmadd_ps(x, s, x);
  __m256 poly = _mm256_castsi256_ps(poly_mask);
  __m256 sin_poly = _mm256_blendv_ps(c, s, poly);
  __m256 cos_poly = _mm256_blendv_ps(s, c, poly);
  *sin_out = _mm256_xor_ps(sin_poly, sign_sin);
  *cos_out = _mm256_xor_ps(cos_poly, _mm256_castsi256_ps(sign_cos));
}

AVX2_FMA void repro_normal16_f32_avx2(const float *in, float *out, size_t blocks, float mean,
                                      float std) {
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 minus_two = _mm256_set1_ps(-2.0f);
  const __m256 two_pi = splat(kTwoPi);
  const __m256 mean_v = _mm256_set1_ps(mean);
  const __m256 std_v = _mm256_set1_ps(std);
  for (size_t b = 0; b < blocks; b++) {
    const __m256 u1 = _mm256_sub_ps(one, _mm256_loadu_ps(in + 16 * b));
    const __m256 u2 = _mm256_loadu_ps(in + 16 * b + 8);
    const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, avx2_log(u1, one)));
    const __m256 theta = _mm256_mul_ps(two_pi, u2);
    __m256 s, c;
    avx2_sincos(theta, one, &s, &c);
    _mm256_storeu_ps(out + 16 * b, _mm256_fmadd_ps(_mm256_mul_ps(radius, c), std_v, mean_v));
    _mm256_storeu_ps(out + 16 * b + 8,
                     _mm256_fmadd_ps(_mm256_mul_ps(radius, s), std_v, mean_v));
  }
}

AVX2_FMA void repro_normal16_f64_avx2(const double *in, double *out, size_t blocks, double mean,
                                      double std) {
  normal16_f64_body(in, out, blocks, mean, std);
}

#else

void repro_normal16_f32_avx2(const float *in, float *out, size_t blocks, float mean, float std) {
  repro_normal16_f32_scalar(in, out, blocks, mean, std);
}

void repro_normal16_f64_avx2(const double *in, double *out, size_t blocks, double mean,
                             double std) {
  repro_normal16_f64_scalar(in, out, blocks, mean, std);
}

#endif

void repro_normal16_f32(const float *in, float *out, size_t blocks, float mean, float std) {
  if (repro_kernels_have_avx2_fma()) {
    repro_normal16_f32_avx2(in, out, blocks, mean, std);
  } else {
    repro_normal16_f32_scalar(in, out, blocks, mean, std);
  }
}

void repro_normal16_f64(const double *in, double *out, size_t blocks, double mean, double std) {
  if (repro_kernels_have_avx2_fma()) {
    repro_normal16_f64_avx2(in, out, blocks, mean, std);
  } else {
    repro_normal16_f64_scalar(in, out, blocks, mean, std);
  }
}
