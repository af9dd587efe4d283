/// Elementwise functions of one tensor: neg, abs, relu, exp, log, sqrt, tanh, sigmoid.
///
/// Floating functions (exp, log, sqrt, tanh, sigmoid) of an integer or bool tensor give float32,
/// as PyTorch. float16/bfloat16 compute in float32 and round once. exp, log, tanh and sigmoid
/// use the C library (`expf`, `logf`, `tanhf`) and are not bitwise equal to PyTorch's vectorised
/// SLEEF versions (within a few ulp); neg, abs, relu and sqrt are exact, hence bitwise equal.
extension Tensor {
  private func floatUnary(
    _ name: String, _ f: (Float) -> Float, _ d: (Double) -> Double
  ) throws(TensorError) -> Tensor {
    try checkComputable(name)
    let result = dtype.isFloatingPoint ? dtype : DType.defaultFloat
    if result == .float64 {
      return Elementwise.unary(self, compute: Double.self, result: result, d)
    }
    return Elementwise.unary(self, compute: Float.self, result: result, f)
  }

  /// `e^x` elementwise (`torch.exp`).
  public func exp() throws(TensorError) -> Tensor {
    try floatUnary("exp", Float.kernelExp, Double.kernelExp)
  }
  /// The natural logarithm elementwise (`torch.log`); negative → NaN, 0 → -inf.
  public func log() throws(TensorError) -> Tensor {
    try floatUnary("log", Float.kernelLog, Double.kernelLog)
  }
  /// The square root elementwise (`torch.sqrt`), correctly rounded.
  public func sqrt() throws(TensorError) -> Tensor {
    try floatUnary("sqrt", { $0.squareRoot() }, { $0.squareRoot() })
  }
  /// The hyperbolic tangent elementwise (`torch.tanh`).
  public func tanh() throws(TensorError) -> Tensor {
    try floatUnary("tanh", Float.kernelTanh, Double.kernelTanh)
  }
  /// The logistic function `1 / (1 + e^-x)` elementwise (`torch.sigmoid`).
  public func sigmoid() throws(TensorError) -> Tensor {
    try floatUnary(
      "sigmoid", { 1 / (1 + Float.kernelExp(-$0)) }, { 1 / (1 + Double.kernelExp(-$0)) })
  }

  private func sameTypeUnary(
    _ name: String, _ f: (Float) -> Float, _ d: (Double) -> Double, _ i: (Int64) -> Int64
  ) throws(TensorError) -> Tensor {
    try checkComputable(name)
    switch ComputeKind(dtype) {
    case .float: return Elementwise.unary(self, compute: Float.self, result: dtype, f)
    case .double: return Elementwise.unary(self, compute: Double.self, result: dtype, d)
    case .int: return Elementwise.unary(self, compute: Int64.self, result: dtype, i)
    }
  }

  /// `-x` elementwise (`torch.neg`); integers wrap (`-Int8.min == Int8.min`).
  ///
  /// - Throws: `.unsupportedDType` for bool, with PyTorch's message.
  public func neg() throws(TensorError) -> Tensor {
    guard dtype != .bool else {
      throw TensorError(
        .unsupportedDType,
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
      )
    }
    return try sameTypeUnary("neg", { -$0 }, { -$0 }, { 0 &- $0 })
  }

  /// `|x|` elementwise (`torch.abs`), same dtype.
  public func abs() throws(TensorError) -> Tensor {
    try sameTypeUnary("abs", { Swift.abs($0) }, { Swift.abs($0) }, { $0 < 0 ? 0 &- $0 : $0 })
  }

  /// `max(x, 0)` elementwise (`torch.relu`), same dtype; NaN stays NaN.
  ///
  /// - Throws: `.unsupportedDType` for bool (as PyTorch).
  public func relu() throws(TensorError) -> Tensor {
    guard dtype != .bool else {
      throw TensorError(.unsupportedDType, "relu: \"clamp_min_cpu\" not implemented for 'Bool'")
    }
    return try sameTypeUnary(
      "relu", { $0.isNaN || $0 > 0 ? $0 : 0 }, { $0.isNaN || $0 > 0 ? $0 : 0 }, { $0 > 0 ? $0 : 0 })
  }
}
