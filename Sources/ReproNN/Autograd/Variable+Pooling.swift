import ReproTensor

/// Pooling ops with their backward kernels.
extension Variable {
  /// Max pooling (`F.max_pool2d`); the gradient goes to the first maximum of each window.
  public func maxPool2d(
    kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
    ceilMode: Bool = false
  ) throws -> Variable {
    let x = value
    let y = try x.maxPool2d(
      kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
      ceilMode: ceilMode)
    return Variable.record(y, name: "MaxPool2DWithIndicesBackward0", inputs: [self]) {
      (g, _) throws in
      [
        try Tensor.maxPool2dBackward(
          gradOutput: g, input: x, kernelSize: kernelSize, stride: stride, padding: padding,
          dilation: dilation)
      ]
    }
  }

  /// Average pooling (`F.avg_pool2d`).
  public func avgPool2d(
    kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
    countIncludePad: Bool = true, divisorOverride: Int? = nil
  ) throws -> Variable {
    let (inShape, dt) = (shape, dtype)
    let y = try value.avgPool2d(
      kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
      countIncludePad: countIncludePad,
      divisorOverride: divisorOverride)
    return Variable.record(y, name: "AvgPool2DBackward0", inputs: [self]) {
      (g, _) throws in
      [
        try Tensor.avgPool2dBackward(
          gradOutput: g, inputShape: inShape, dtype: dt, kernelSize: kernelSize, stride: stride,
          padding: padding,
          countIncludePad: countIncludePad, divisorOverride: divisorOverride)
      ]
    }
  }

  /// Adaptive average pooling (`F.adaptive_avg_pool2d`).
  public func adaptiveAvgPool2d(outputSize: [Int]) throws -> Variable {
    let (inShape, dt) = (shape, dtype)
    let y = try value.adaptiveAvgPool2d(outputSize: outputSize)
    return Variable.record(y, name: "AdaptiveAvgPool2DBackward0", inputs: [self]) {
      (g, _) throws in
      [try Tensor.adaptiveAvgPool2dBackward(gradOutput: g, inputShape: inShape, dtype: dt)]
    }
  }
}
