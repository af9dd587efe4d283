#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The C math library calls that PyTorch's double-precision normal paths make (torch-rng.md §12),
/// in one place.
///
/// On Linux these are glibc's, the same functions `libtorch_cpu.so` calls, so the
/// results agree bit for bit; another libm may differ in rare last bits.
enum LibM {
  /// C `log1p(x)`.
  @inline(__always) static func log1p(_ x: Double) -> Double { cLog1p(x) }

  /// C `log(x)`.
  @inline(__always) static func log(_ x: Double) -> Double { cLog(x) }

  /// C `sin(x)`; glibc's `sincos` gives the same bits (torch-rng.md §6.1).
  @inline(__always) static func sin(_ x: Double) -> Double { cSin(x) }

  /// C `cos(x)`.
  @inline(__always) static func cos(_ x: Double) -> Double { cCos(x) }

  /// C `logf(x)` (DEFAULT-capability float normal block).
  @inline(__always) static func logf(_ x: Float) -> Float { cLogf(x) }

  /// C `sinf(x)`; equal to glibc's `sincosf` on every float (torch-rng.md §6.2).
  @inline(__always) static func sinf(_ x: Float) -> Float { cSinf(x) }

  /// C `cosf(x)`.
  @inline(__always) static func cosf(_ x: Float) -> Float { cCosf(x) }
}

@inline(__always) private func cLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func cLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func cSin(_ x: Double) -> Double { sin(x) }
@inline(__always) private func cCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func cLogf(_ x: Float) -> Float { logf(x) }
@inline(__always) private func cSinf(_ x: Float) -> Float { sinf(x) }
@inline(__always) private func cCosf(_ x: Float) -> Float { cosf(x) }
