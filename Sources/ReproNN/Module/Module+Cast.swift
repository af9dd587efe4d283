public import ReproTensor

extension Module {
  /// Casts every floating-point parameter and buffer of the tree to `dtype`, as PyTorch's
  /// `half()`, `bfloat16()`, `float()` and `double()` do; integer buffers such as
  /// `num_batches_tracked` keep their dtype.
  ///
  /// - Precondition: `dtype` is a floating-point dtype.
  public func cast(to dtype: DType) {
    precondition(dtype.isFloatingPoint, "module casts take a floating-point dtype, got \(dtype)")
    for (_, module) in namedModules() {
      for case (_, let p?) in module.namedParameters where p.value.dtype.isFloatingPoint {
        p.value = p.value.to(dtype)
        p.grad = p.grad?.to(dtype)
      }
      for case (let name, let b?, _) in module.namedBuffers where b.dtype.isFloatingPoint {
        module.setBuffer(name, b.to(dtype))
      }
    }
  }
}
