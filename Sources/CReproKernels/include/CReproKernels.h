// The hot loops of Repro's PyTorch-exact random number generator, in C so that they can use the
// CPU's FMA and AVX2 units. Swift on x86-64 targets the baseline ISA, where every fused
// multiply-add is a call to libm's fmaf/fma; these kernels pick an AVX2+FMA build at run time
// when the CPU has one, and a portable scalar build otherwise. Both builds give the same bits:
// every operation is the one PyTorch 2.13's AVX2 kernels perform (torch-rng.md §2, §5, §6),
// and every fused multiply-add is a single rounding in both.
//
// Each kernel has a dispatching entry point (name without suffix) and its portable build
// (`_scalar`) so that tests can check both; most also export their AVX2 build (`_avx2`).
// Calling an `_avx2` build on a CPU without AVX2 and FMA is a programmer error (it faults with
// an illegal instruction); `repro_kernels_have_avx2_fma()` says whether it is safe.
#ifndef CREPROKERNELS_H
#define CREPROKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether this CPU (and its OS) runs AVX2 and FMA instructions. Computed once.
int repro_kernels_have_avx2_fma(void);

/// PyTorch's AVX2 float32 Box-Muller block (`normal_fill_16_AVX2`, with avx_mathfun.h's
/// `log256_ps` and `sincos256_ps` as GCC compiled them for 2.13) over `blocks` consecutive
/// blocks of 16 uniforms in `in`, written to `out` (which may equal `in`): lane j (0..<8) of a
/// block takes its radius from in[j] and its angle from in[j + 8] and writes out[j] (cosine)
/// and out[j + 8] (sine), each `fma(radius * trig, std, mean)`.
void repro_normal16_f32(const float *in, float *out, size_t blocks, float mean, float std);
void repro_normal16_f32_avx2(const float *in, float *out, size_t blocks, float mean, float std);
void repro_normal16_f32_scalar(const float *in, float *out, size_t blocks, float mean, float std);

/// The float32 block of PyTorch's DEFAULT capability (`normal_fill_16<float>`): libm `logf` and
/// `sincosf`, the angle computed in double, `fmaf` for the affine step.
void repro_normal16_f32_libm(const float *in, float *out, size_t blocks, float mean, float std);

/// The float64 block (`normal_fill_16<double>`, the same on every capability): libm `log` and
/// `sincos`, `fma` for the affine step.
void repro_normal16_f64(const double *in, double *out, size_t blocks, double mean, double std);
void repro_normal16_f64_avx2(const double *in, double *out, size_t blocks, double mean,
                             double std);
void repro_normal16_f64_scalar(const double *in, double *out, size_t blocks, double mean,
                               double std);

/// `uniform_(from, to)` on float32 uniforms in place, as PyTorch's AVX2 build computes it:
/// v = fma(x, range, from); x = (v == to) ? from : v.
void repro_uniform_f32(float *x, size_t n, float from, float range, float to);
void repro_uniform_f32_avx2(float *x, size_t n, float from, float range, float to);
void repro_uniform_f32_scalar(float *x, size_t n, float from, float range, float to);

/// `uniform_(from, to)` on float64 uniforms in place: v = fma(x, range, from);
/// x = (v == to) ? from : v.
void repro_uniform_f64(double *x, size_t n, double from, double range, double to);
void repro_uniform_f64_avx2(double *x, size_t n, double from, double range, double to);
void repro_uniform_f64_scalar(double *x, size_t n, double from, double range, double to);

/// x = fma(x, scale, offset) in place, one float32 rounding (the float16/bfloat16 `uniform_`
/// step, whose clamp is applied after rounding to 16 bits).
void repro_fma_f32(float *x, size_t n, float scale, float offset);
void repro_fma_f32_avx2(float *x, size_t n, float scale, float offset);
void repro_fma_f32_scalar(float *x, size_t n, float scale, float offset);

/// MT19937's twist (`next_state()`): regenerates the 624 state words in place.
void repro_mt19937_twist(uint32_t *state);
void repro_mt19937_twist_scalar(uint32_t *state);

/// MT19937's tempering of `n` state words: out[i] = temper(words[i]), the engine's outputs.
/// `out` must not overlap `words`.
void repro_mt19937_temper(const uint32_t *words, uint32_t *out, size_t n);
void repro_mt19937_temper_scalar(const uint32_t *words, uint32_t *out, size_t n);

/// The float32 uniforms of `n` engine outputs: out[i] = (temper(words[i]) & 0xFFFFFF) * 2^-24
/// (`uniform_real_distribution<float>(0, 1)`, exact). `out` must not overlap `words`.
void repro_mt19937_uniform24(const uint32_t *words, float *out, size_t n);
void repro_mt19937_uniform24_scalar(const uint32_t *words, float *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
