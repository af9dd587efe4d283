/// Layers without parameters: activations, pooling, flatten, dropout.

/// `nn.ReLU`.
public final class ReLU: Module {
  /// Whether PyTorch overwrites the input (`inplace`); the values are the same either way.
  public let isInplace: Bool
  /// Creates the layer.
  public init(inplace: Bool = false) {
    isInplace = inplace
    super.init(typeName: "ReLU")
  }
}

/// `nn.Tanh`.
public final class Tanh: Module {
  /// Creates the layer.
  public init() { super.init(typeName: "Tanh") }
}

/// `nn.Sigmoid`.
public final class Sigmoid: Module {
  /// Creates the layer.
  public init() { super.init(typeName: "Sigmoid") }
}

/// `nn.Flatten(start_dim=1, end_dim=-1)`.
public final class Flatten: Module {
  /// First dim to flatten.
  public let startDim: Int
  /// Last dim to flatten.
  public let endDim: Int
  /// Creates the layer.
  public init(startDim: Int = 1, endDim: Int = -1) {
    self.startDim = startDim
    self.endDim = endDim
    super.init(typeName: "Flatten")
  }
}

/// `nn.Dropout(p)`: zeroes elements with probability `p` in training, drawing from the generator
/// exactly as PyTorch's CPU dropout does (torch-rng.md §9).
public final class Dropout: Module {
  /// Drop probability.
  public let p: Double
  /// Whether PyTorch overwrites the input (`inplace`).
  public let isInplace: Bool
  /// Creates the layer.
  public init(p: Double = 0.5, inplace: Bool = false) {
    self.p = p
    self.isInplace = inplace
    super.init(typeName: "Dropout")
  }
}

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
  public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), ceilMode: Bool = false, returnIndices: Bool = false) {
    self.returnsIndices = returnIndices
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    self.dilation = dilation
    self.ceilMode = ceilMode
    super.init(typeName: "MaxPool2d")
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
}

/// `nn.Sequential`: children named `0`, `1`, … applied in order.
public final class Sequential: Module {
  /// Creates the container with `layers` as children `0`, `1`, ….
  public init(_ layers: [Module]) {
    super.init(typeName: "Sequential")
    for (i, layer) in layers.enumerated() { registerChild(String(i), layer) }
  }

  /// The layers in order.
  public var layers: [Module] { namedChildren.map(\.module) }
}
