#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C math library calls of PyTorch's serial normal path (torch-rng.md §6.1, §12).
///
/// The vectorised blocks call theirs from C (`RandomKernels`).
///
/// On Linux these are glibc's, the same functions `libtorch_cpu.so` calls, so the
/// results agree bit for bit; another libm may differ in rare last bits.
enum LibM {
  /// C `log1p(x)`.
  @inline(__always) static func log1p(_ x: Double) -> Double { cLog1p(x) }

  /// C `sin(x)`; glibc's `sincos` gives the same bits (torch-rng.md §6.1).
  @inline(__always) static func sin(_ x: Double) -> Double { cSin(x) }

  /// C `cos(x)`.
  @inline(__always) static func cos(_ x: Double) -> Double { cCos(x) }

  /// A fused multiply-add `a * b + c` with one float64 rounding (`std::fma`).
  @inline(__always) static func fma(_ a: Double, _ b: Double, _ c: Double) -> Double {
    c.addingProduct(a, b)
  }
}

@inline(__always) private func cLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func cSin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func cCos(_ x: Double) -> Double { cos(x) }
