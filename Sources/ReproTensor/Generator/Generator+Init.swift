/// `torch.nn.init` helpers that draw from a generator (torch-rng.md §10).
extension Generator {
  /// Which fan `kaimingUniform_` and `kaimingNormal_` scale by (`mode='fan_in'|'fan_out'`).
  public enum FanMode: String, Sendable, CaseIterable {
    /// Preserves the variance of the forward pass (`'fan_in'`).
    case fanIn = "fan_in"
    /// Preserves the variance of the backward pass (`'fan_out'`).
    case fanOut = "fan_out"
  }

  /// The nonlinearities `torch.nn.init.calculate_gain` knows.
  public enum Nonlinearity: String, Sendable, CaseIterable {
    case linear, conv1d, conv2d, conv3d
    case convTranspose1d = "conv_transpose1d"
    case convTranspose2d = "conv_transpose2d"
    case convTranspose3d = "conv_transpose3d"
    case sigmoid, tanh, relu
    case leakyRelu = "leaky_relu"
    case selu
  }

  /// The recommended gain for a nonlinearity (`torch.nn.init.calculate_gain`), in double
  /// precision exactly as Python computes it: 1 for linear, convolutions and sigmoid, `5.0 / 3`
  /// for tanh, `sqrt(2.0)` for relu, `sqrt(2.0 / (1 + slope ** 2))` for leaky_relu, `3.0 / 4`
  /// for selu.
  ///
  /// - Parameters:
  ///   - nonlinearity: the nonlinearity.
  ///   - param: the negative slope of leaky_relu; `nil` means 0.01. Ignored otherwise.
  public static func calculateGain(_ nonlinearity: Nonlinearity, param: Double? = nil) -> Double {
    switch nonlinearity {
    case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d,
      .sigmoid:
      return 1
    case .tanh: return 5.0 / 3
    case .relu: return (2.0).squareRoot()
    case .leakyRelu:
      let slope = param ?? 0.01
      return (2.0 / (1 + slope * slope)).squareRoot()
    case .selu: return 3.0 / 4
    }
  }

  /// The fan-in and fan-out of a weight shape (`torch.nn.init._calculate_fan_in_and_fan_out`):
  /// `shape[1]` and `shape[0]`, each times the product of the remaining (receptive field) sizes.
  ///
  /// - Throws: `TensorError.Code.invalidShape` for fewer than 2 dimensions.
  public static func fanInAndFanOut(shape: [Int]) throws(TensorError) -> (fanIn: Int, fanOut: Int) {
    guard shape.count >= 2 else {
      throw TensorError(
        .invalidShape,
        "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape \(shape))"
      )
    }
    let receptive = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptive, shape[0] * receptive)
  }

  /// Fills `tensor` with He (Kaiming) uniform values (`torch.nn.init.kaiming_uniform_`):
  /// `uniform_(-bound, bound)` with `bound = sqrt(3.0) * gain / sqrt(fan)`, computed in double
  /// as Python does.
  ///
  /// `nn.Linear` and `nn.Conv2d` initialise their weights with `a = sqrt(5)`.
  ///
  /// A tensor with no elements is left alone (PyTorch warns and returns).
  ///
  /// - Parameters:
  ///   - tensor: a floating tensor with at least 2 dimensions.
  ///   - a: the negative slope of the rectifier after this layer (leaky_relu only; 0 is plain
  ///     relu's gain).
  ///   - mode: `.fanIn` (default) or `.fanOut`.
  ///   - nonlinearity: the nonlinearity whose gain is used, `.leakyRelu` by default.
  /// - Throws: `TensorError` (`invalidShape` for fewer than 2 dimensions, or what `uniform_`
  ///   throws).
  public func fillKaimingUniform(
    _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu
  ) throws(TensorError) {
    guard
      let std = try Generator.kaimingStd(tensor.shape, a: a, mode: mode, nonlinearity: nonlinearity)
    else {
      return
    }
    let bound = (3.0).squareRoot() * std
    try fillUniform(tensor, from: -bound, to: bound)
  }

  /// Fills `tensor` with He (Kaiming) normal values (`torch.nn.init.kaiming_normal_`):
  /// `normal_(0, std)` with `std = gain / sqrt(fan)`, computed in double as Python does.
  ///
  /// A tensor with no elements is left alone (PyTorch warns and returns).
  ///
  /// - Parameters:
  ///   - tensor: a floating tensor with at least 2 dimensions.
  ///   - a: the negative slope of the rectifier after this layer (leaky_relu only).
  ///   - mode: `.fanIn` (default) or `.fanOut`.
  ///   - nonlinearity: the nonlinearity whose gain is used, `.leakyRelu` by default.
  /// - Throws: `TensorError` (`invalidShape` for fewer than 2 dimensions, or what `normal_`
  ///   throws).
  public func fillKaimingNormal(
    _ tensor: Tensor, a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu
  ) throws(TensorError) {
    guard
      let std = try Generator.kaimingStd(tensor.shape, a: a, mode: mode, nonlinearity: nonlinearity)
    else {
      return
    }
    try fillNormal(tensor, mean: 0, std: std)
  }

  /// `gain / sqrt(fan)`, or nil for a tensor with no elements.
  static func kaimingStd(
    _ shape: [Int], a: Double, mode: FanMode, nonlinearity: Nonlinearity
  ) throws(TensorError) -> Double? {
    if shape.contains(0) { return nil }  // "Initializing zero-element tensors is a no-op"
    let (fanIn, fanOut) = try fanInAndFanOut(shape: shape)
    let fan = mode == .fanIn ? fanIn : fanOut
    let gain = calculateGain(nonlinearity, param: a)
    return gain / Double(fan).squareRoot()
  }
}
