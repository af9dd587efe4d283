import ReproTensor

/// torchvision's `BasicBlock`: two 3×3 convs with batch norm and an optional downsample branch.
///
/// Registration order is torchvision's (`conv1, bn1, relu, conv2, bn2, downsample`), so the
/// state-dict keys match; the downsample branch is *constructed* before the block (as
/// `_make_layer` does), which is the order its initial values are drawn.
public final class BasicBlock: Module {
  let conv1: Conv2d, bn1: BatchNorm2d, relu: ReLU, conv2: Conv2d, bn2: BatchNorm2d
  let downsample: Module?

  /// Creates the block; `downsample` was built by the caller before this initialiser runs.
  init(inPlanes: Int, planes: Int, stride: Int, downsample: Module?, generator g: Generator) {
    conv1 = Conv2d(
      inPlanes, planes, kernelSize: (3, 3), stride: (stride, stride), padding: (1, 1), bias: false,
      generator: g)
    bn1 = BatchNorm2d(planes)
    relu = ReLU()
    conv2 = Conv2d(planes, planes, kernelSize: (3, 3), padding: (1, 1), bias: false, generator: g)
    bn2 = BatchNorm2d(planes)
    self.downsample = downsample
    super.init(typeName: "BasicBlock")
    registerChild("conv1", conv1)
    registerChild("bn1", bn1)
    registerChild("relu", relu)
    registerChild("conv2", conv2)
    registerChild("bn2", bn2)
    if let downsample { registerChild("downsample", downsample) }
  }

  /// `relu(bn2(conv2(relu(bn1(conv1(x))))) + downsample(x))`, identity when there is no
  /// downsample branch.
  public override func forward(_ input: Variable) throws -> Variable {
    let out = try bn2(conv2(relu(bn1(conv1(input)))))
    let identity = try downsample.map { (d) throws in try d(input) } ?? input
    return try relu(out.add(identity))
  }
}
