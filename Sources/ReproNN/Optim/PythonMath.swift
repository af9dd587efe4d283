#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Python float arithmetic the optimizers do on the host, in one place: CPython's `x ** y` on
/// floats is C `pow`, so on Linux these are glibc's results, as in PyTorch's Python code.
enum PythonMath {
  /// `x ** y` for Python floats (C `pow`).
  @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { cPow(x, y) }
}

@inline(__always) private func cPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
