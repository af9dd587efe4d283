/// `log_softmax` over the last dimension, with PyTorch's CPU formula order.
extension Tensor {
  /// The logarithm of the softmax over the last dimension (`torch.log_softmax(x, dim=-1)`):
  /// per row `(x − max) − log(Σ exp(x − max))`, computed in float32 (float64 for float64) and
  /// rounded once to the input dtype.
  ///
  /// - Throws: `.invalidArgument` for a 0-d tensor, `.unsupportedDType` for non-floating input.
  public func logSoftmax() throws(TensorError) -> Tensor {
    guard rank >= 1 else {
      throw TensorError(
        .invalidArgument, "log_softmax: expected at least 1-D input, got a 0-d tensor")
    }
    guard dtype.isFloatingPoint, !dtype.isFloat8 else {
      throw TensorError(
        .unsupportedDType,
        "log_softmax: dtype \(dtype.pytorchName) is not supported (floating dtypes only)")
    }
    let width = shape[rank - 1]
    func run<C: KernelFloat>(_: C.Type) -> Tensor {
      unsafe Tensor.makeComputed(C.self, shape: shape, dtype: dtype, device: device) { out, n in
        unsafe Tensor.withContiguousValues(self, C.self) { p in
          guard width > 0 else { return }
          for row in 0..<(n / width) {
            let x = unsafe p + row * width
            let o = unsafe out + row * width
            var m = unsafe x[0]
            for i in 0..<width where unsafe x[i] > m || x[i].isNaN { m = unsafe x[i] }
            var s = C.kernelZero
            for i in 0..<width { s = unsafe C.kernelAdd(s, C.kernelExp(C.kernelSub(x[i], m))) }
            let logSum = C.kernelLog(s)
            for i in 0..<width { unsafe o[i] = unsafe C.kernelSub(C.kernelSub(x[i], m), logSum) }
          }
        }
      }
    }
    return dtype == .float64 ? run(Double.self) : run(Float.self)
  }
}
