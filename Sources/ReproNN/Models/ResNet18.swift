public import ReproTensor

/// torchvision 0.28's `resnet18(num_classes=…)` with its exact key names and initialisation.
///
/// Construction draws every conv's default kaiming-uniform values (discarded later) and the
/// `fc` layer's, in construction order; then every Conv2d, in registration order, is
/// re-initialised with `kaiming_normal_(mode="fan_out", nonlinearity="relu")` (torch-rng.md §10).
public final class ResNet18: Module {
  /// Creates the network from `generator` as `torch.manual_seed(s); resnet18(num_classes=n)` does.
  public init(numClasses: Int = 1000, generator g: Generator) {
    super.init(typeName: "ResNet")
    registerChild(
      "conv1",
      Conv2d(3, 64, kernelSize: (7, 7), stride: (2, 2), padding: (3, 3), bias: false, generator: g))
    registerChild("bn1", BatchNorm2d(64))
    registerChild("relu", ReLU())
    registerChild("maxpool", MaxPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1)))
    var inPlanes = 64
    for (index, (planes, stride)) in [(64, 1), (128, 2), (256, 2), (512, 2)].enumerated() {
      var blocks: [Module] = []
      for b in 0..<2 {
        let s = b == 0 ? stride : 1
        var downsample: Module?
        if b == 0 && (s != 1 || inPlanes != planes) {
          downsample = Sequential([
            Conv2d(inPlanes, planes, kernelSize: (1, 1), stride: (s, s), bias: false, generator: g),
            BatchNorm2d(planes),
          ])
        }
        blocks.append(
          BasicBlock(
            inPlanes: inPlanes, planes: planes, stride: s, downsample: downsample, generator: g))
        inPlanes = planes
      }
      registerChild("layer\(index + 1)", Sequential(blocks))
    }
    registerChild("avgpool", AdaptiveAvgPool2d(outputSize: (1, 1)))
    registerChild("fc", Linear(512, numClasses, generator: g))
    for (_, module) in namedModules() {
      if let conv = module as? Conv2d, let w = conv.parameter("weight") {
        Initializers.mustSucceed {
          try g.fillKaimingNormal(w.value, a: 0, mode: .fanOut, nonlinearity: .relu)
        }
      }
    }
  }

  /// torchvision's `_forward_impl`: conv1, bn1, relu, maxpool, layer1…layer4, avgpool,
  /// `flatten(x, 1)`, fc.
  public override func forward(_ input: Variable) throws -> Variable {
    var x = input
    for (name, layer) in namedChildren {
      x = try layer.forward(name == "fc" ? x.flattened(startDim: 1) : x)
    }
    return x
  }
}
