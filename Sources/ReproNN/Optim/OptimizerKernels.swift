import ReproTensor

/// A floating-point type the optimizers update in (float32 and float64, PyTorch's opmath types
/// for those dtypes).
protocol OptimizerFloat: BinaryFloatingPoint {}
extension Float: OptimizerFloat {}
extension Double: OptimizerFloat {}

/// The elementwise arithmetic of PyTorch 2.13's CPU kernels that the single-tensor optimizers call.
///
/// One function per ATen op, each rounding where the kernel rounds (checked bitwise against
/// torch 2.13 on an AVX512 build, vector bodies and scalar tails alike):
///
/// - `a.add_(b, alpha=s)`: `fma(b, s, a)` (`vec::fmadd` in `ufunc::add`);
/// - `a.mul_(s)`: `a * s`; `a / s`: a true division; `a.add_(s)`: `a + s`;
/// - `a.addcmul_(b, c, value=s)`: `fma(s * b, c, a)`;
/// - `a.addcdiv_(b, c, value=s)`: `a + (s * b) / c`;
/// - `a.lerp_(b, w)`: `fma(w, b - a, a)` when `|w| < 0.5`, else `fma(w - 1, b - a, b)`;
/// - `torch.maximum`: NaN-propagating maximum.
///
/// A Python-float scalar is first rounded to the tensor's dtype (`Scalar.to<opmath_t>()`).
enum OptimizerKernels {
  @inline(__always)
  static func addAlpha<T: OptimizerFloat>(_ a: T, _ b: T, _ alpha: T) -> T {
    a.addingProduct(b, alpha)
  }

  @inline(__always)
  static func addcmul<T: OptimizerFloat>(_ a: T, _ b: T, _ c: T, _ value: T) -> T {
    a.addingProduct(value * b, c)
  }

  @inline(__always)
  static func addcdiv<T: OptimizerFloat>(_ a: T, _ b: T, _ c: T, _ value: T) -> T {
    a + (value * b) / c
  }

  @inline(__always)
  static func lerp<T: OptimizerFloat>(_ start: T, _ end: T, _ weight: T) -> T {
    let diff = end - start
    return abs(weight) < T(0.5)
      ? start.addingProduct(weight, diff) : end.addingProduct(weight - 1, diff)
  }

  @inline(__always)
  static func maximum<T: OptimizerFloat>(_ a: T, _ b: T) -> T {
    a.isNaN ? a : (b.isNaN ? b : (a > b ? a : b))
  }

  /// The float type an update of `dtype` computes in, or an error naming `what`.
  static func checkDType(_ dtype: DType, _ what: String) throws(NNError) {
    guard dtype == .float32 || dtype == .float64 else {
      throw NNError(
        .unsupportedDType,
        "\(what) is \(dtype.pytorchName); optimizers update float32 and float64 tensors")
    }
  }

  /// Calls `body` with the elements of a contiguous, writable tensor of element type `T`.
  static func withMutableElements<T: OptimizerFloat, R>(
    _ t: Tensor, as _: T.Type, _ what: String, _ body: (UnsafeMutableBufferPointer<T>) -> R
  ) throws(NNError) -> R {
    guard t.isContiguous else {
      throw NNError(
        .invalidArgument, "\(what) is not contiguous; optimizers update contiguous tensors in place"
      )
    }
    guard !t.storage.isReadOnly else {
      throw NNError(
        .invalidArgument, "\(what) lives in a read-only (memory-mapped) storage; copy it first")
    }
    let n = t.count
    let offset = t.storageOffset * MemoryLayout<T>.stride
    return unsafe t.storage.withUnsafeMutableBytes { raw in
      guard n > 0, let base = raw.baseAddress else {
        return unsafe body(UnsafeMutableBufferPointer(start: nil, count: 0))
      }
      return unsafe body(
        UnsafeMutableBufferPointer(start: (base + offset).assumingMemoryBound(to: T.self), count: n)
      )
    }
  }

  /// The elements of `t` in row-major order as `T` (`t` has dtype `T`).
  static func elements<T: OptimizerFloat>(_ t: Tensor, as _: T.Type) -> [T] {
    let c = t.contiguous()
    let n = c.count
    let offset = c.storageOffset * MemoryLayout<T>.stride
    return unsafe c.storage.withUnsafeBytes { raw in
      guard n > 0, let base = raw.baseAddress else { return [] }
      return unsafe Array(
        UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: T.self), count: n))
    }
  }

  /// A contiguous tensor of `shape` holding `values`, tagged `device`.
  static func tensor<T: OptimizerFloat>(_ values: [T], like t: Tensor) -> Tensor {
    let out = Tensor(zeros: t.shape, dtype: t.dtype, device: t.device)
    unsafe values.withUnsafeBytes { src in
      unsafe out.storage.withUnsafeMutableBytes { dst in unsafe dst.copyMemory(from: src) }
    }
    return out
  }
}
