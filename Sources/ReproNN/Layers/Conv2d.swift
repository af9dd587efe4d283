public import ReproTensor

/// A 2-D convolution over NCHW input (`nn.Conv2d`), zero padding.
///
/// Initialisation matches PyTorch: `kaiming_uniform_(weight, a=sqrt(5))` with
/// fan_in = (inChannels / groups)·kh·kw, then the bias from `uniform_(±1/sqrt(fan_in))`.
public final class Conv2d: Module {
  /// Input channels.
  public let inChannels: Int
  /// Output channels.
  public let outChannels: Int
  /// Kernel height and width.
  public let kernelSize: (Int, Int)
  /// Stride per spatial dim.
  public let stride: (Int, Int)
  /// Zero padding per spatial dim.
  public let padding: (Int, Int)
  /// Dilation per spatial dim.
  public let dilation: (Int, Int)
  /// Channel groups.
  public let groups: Int

  /// Creates the layer and initialises it from `generator` as PyTorch does.
  ///
  /// - Precondition: both channel counts are divisible by `groups` (checked by the spec factory
  ///   with a readable error before this is called).
  public init(
    _ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
    padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
    dtype: DType = .float32, generator: Generator
  ) {
    precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0, "bad groups")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
    super.init(typeName: "Conv2d")
    registerDefaultWeightAndBias(
      weightShape: [outChannels, inChannels / groups, kernelSize.0, kernelSize.1], bias: bias,
      biasCount: outChannels, fanIn: (inChannels / groups) * kernelSize.0 * kernelSize.1,
      dtype: dtype, generator: generator)
  }

  /// `F.conv2d(x, weight, bias, stride, padding, dilation, groups)`; inside an `Autocast` scope
  /// input, weight and bias are cast to the scope's dtype first.
  public override func forward(_ input: Variable) throws -> Variable {
    let (w, b) = try autocastWeightAndBias()
    return try Variable.conv2d(
      Autocast.lowerPrecision(input), weight: w, bias: b, stride: [stride.0, stride.1],
      padding: [padding.0, padding.1],
      dilation: [dilation.0, dilation.1], groups: groups)
  }
}
