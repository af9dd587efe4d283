internal import CReproKernels

/// The generator's hot loops, in C (the `CReproKernels` target) so that they run on the CPU's
/// FMA and AVX2 units; the one file that calls them.
///
/// Swift on x86-64 compiles for the baseline ISA, where each fused multiply-add is a call to
/// libm's `fmaf`/`fma`. The C kernels are built twice, for AVX2+FMA and portably, and pick a
/// build at run time; both compute the same operations, so the bits do not depend on the CPU.
enum RandomKernels {
  /// Which build of the C kernels a call runs.
  enum Build: Sendable, CaseIterable {
    /// The AVX2+FMA build when the CPU has AVX2 and FMA, else the scalar one.
    case automatic
    /// The portable scalar build (libm `fmaf`/`fma` where the CPU has no FMA instruction).
    case scalar
  }

  /// The build that calls in this task run; tests set `.scalar` to check the portable build
  /// against the same PyTorch vectors.
  @TaskLocal static var build: Build = .automatic

  /// Whether this CPU runs the AVX2+FMA build.
  static var hasAVX2FMA: Bool { repro_kernels_have_avx2_fma() != 0 }

  /// Runs PyTorch's float32 Box-Muller block over `blocks` consecutive 16-element blocks.
  ///
  /// The AVX2 kernel's polynomials for `capability == .avx2`, libm's `logf`/`sincosf` for
  /// `.default`. `output` may equal `input`.
  static func normalBlocks(
    _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, blocks: Int,
    mean: Float, std: Float, capability: Generator.Capability
  ) {
    guard blocks > 0 else { return }
    switch (capability, build) {
    case (.default, _):
      unsafe repro_normal16_f32_libm(input, output, blocks, mean, std)
    case (.avx2, .automatic):
      unsafe repro_normal16_f32(input, output, blocks, mean, std)
    case (.avx2, .scalar):
      unsafe repro_normal16_f32_scalar(input, output, blocks, mean, std)
    }
  }

  /// Runs PyTorch's float64 Box-Muller block (libm `log` and `sincos`, the same on every
  /// capability) over `blocks` consecutive 16-element blocks; `output` may equal `input`.
  static func normalBlocks(
    _ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>, blocks: Int,
    mean: Double, std: Double
  ) {
    guard blocks > 0 else { return }
    switch build {
    case .automatic: unsafe repro_normal16_f64(input, output, blocks, mean, std)
    case .scalar: unsafe repro_normal16_f64_scalar(input, output, blocks, mean, std)
    }
  }

  /// Maps float32 uniforms in place to `uniform_(from, to)` values as the AVX2 build does:
  /// `fma(x, range, from)`, then `to` becomes `from`.
  static func uniform(
    _ values: UnsafeMutablePointer<Float>, count: Int, from: Float, range: Float, to: Float
  ) {
    guard count > 0 else { return }
    switch build {
    case .automatic: unsafe repro_uniform_f32(values, count, from, range, to)
    case .scalar: unsafe repro_uniform_f32_scalar(values, count, from, range, to)
    }
  }

  /// Maps float64 uniforms in place to `uniform_(from, to)` values as the AVX2 build does:
  /// `fma(x, range, from)`, then `to` becomes `from`.
  static func uniform(
    _ values: UnsafeMutablePointer<Double>, count: Int, from: Double, range: Double, to: Double
  ) {
    guard count > 0 else { return }
    switch build {
    case .automatic: unsafe repro_uniform_f64(values, count, from, range, to)
    case .scalar: unsafe repro_uniform_f64_scalar(values, count, from, range, to)
    }
  }

  /// `x = fma(x, scale, offset)` in place, one float32 rounding each.
  static func fusedMultiplyAdd(
    _ values: UnsafeMutablePointer<Float>, count: Int, scale: Float, offset: Float
  ) {
    guard count > 0 else { return }
    switch build {
    case .automatic: unsafe repro_fma_f32(values, count, scale, offset)
    case .scalar: unsafe repro_fma_f32_scalar(values, count, scale, offset)
    }
  }

  /// MT19937's twist of the 624 state words in place.
  static func twist(_ state: UnsafeMutablePointer<UInt32>) {
    switch build {
    case .automatic: unsafe repro_mt19937_twist(state)
    case .scalar: unsafe repro_mt19937_twist_scalar(state)
    }
  }

  /// The engine outputs of `count` state words (tempering); `out` must not overlap `words`.
  static func temper(
    _ words: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<UInt32>, count: Int
  ) {
    switch build {
    case .automatic: unsafe repro_mt19937_temper(words, out, count)
    case .scalar: unsafe repro_mt19937_temper_scalar(words, out, count)
    }
  }

  /// The float32 uniforms (`(output & 0xFFFFFF) * 2^-24`) of `count` state words; `out` must
  /// not overlap `words`.
  static func uniform24(
    _ words: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    switch build {
    case .automatic: unsafe repro_mt19937_uniform24(words, out, count)
    case .scalar: unsafe repro_mt19937_uniform24_scalar(words, out, count)
    }
  }
}
