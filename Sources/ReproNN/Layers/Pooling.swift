import ReproTensor

/// Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.

/// `nn.MaxPool2d(kernel_size, stride=kernel_size, padding=0, dilation=1)`.
public final class MaxPool2d: Module {
  /// Window size.
  public let kernelSize: (Int, Int)
  /// Step between windows.
  public let stride: (Int, Int)
  /// Implicit -inf padding.
  public let padding: (Int, Int)
  /// Window dilation.
  public let dilation: (Int, Int)
  /// Whether the output size rounds up.
  public let ceilMode: Bool
  /// Whether PyTorch's forward also returns the argmax indices (`return_indices`).
  public let returnsIndices: Bool
  /// Creates the layer; `stride` defaults to `kernelSize` as in PyTorch.
  public init(
    kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1), ceilMode: Bool = false, returnIndices: Bool = false
  ) {
    self.returnsIndices = returnIndices
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    self.dilation = dilation
    self.ceilMode = ceilMode
    super.init(typeName: "MaxPool2d")
  }

  /// `F.max_pool2d`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.maxPool2d(
      kernelSize: [kernelSize.0, kernelSize.1], stride: [stride.0, stride.1],
      padding: [padding.0, padding.1],
      dilation: [dilation.0, dilation.1], ceilMode: ceilMode)
  }
}

/// `nn.AvgPool2d(kernel_size, stride=kernel_size, padding=0)`, counting padding (PyTorch default).
public final class AvgPool2d: Module {
  /// Window size.
  public let kernelSize: (Int, Int)
  /// Step between windows.
  public let stride: (Int, Int)
  /// Implicit zero padding.
  public let padding: (Int, Int)
  /// Creates the layer; `stride` defaults to `kernelSize`.
  public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    super.init(typeName: "AvgPool2d")
  }

  /// `F.avg_pool2d`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.avgPool2d(
      kernelSize: [kernelSize.0, kernelSize.1], stride: [stride.0, stride.1],
      padding: [padding.0, padding.1])
  }
}

/// `nn.AdaptiveAvgPool2d(output_size)`.
public final class AdaptiveAvgPool2d: Module {
  /// Output height and width.
  public let outputSize: (Int, Int)
  /// Creates the layer.
  public init(outputSize: (Int, Int)) {
    self.outputSize = outputSize
    super.init(typeName: "AdaptiveAvgPool2d")
  }

  /// `F.adaptive_avg_pool2d`.
  public override func forward(_ input: Variable) throws -> Variable {
    try input.adaptiveAvgPool2d(outputSize: [outputSize.0, outputSize.1])
  }
}
