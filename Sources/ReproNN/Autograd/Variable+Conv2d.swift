import ReproTensor

extension Variable {
  /// 2-d convolution (`F.conv2d`) of [N, Cin, H, W] input with weight [Cout, Cin/groups, kh, kw]
  /// and an optional bias [Cout]; the backward pass is `Tensor.conv2dBackward`.
  ///
  /// - Throws: the errors of `Tensor.conv2d`.
  public static func conv2d(
    _ input: Variable, weight: Variable, bias: Variable? = nil, stride: [Int] = [1],
    padding: [Int] = [0],
    dilation: [Int] = [1], groups: Int = 1
  ) throws -> Variable {
    let x = input.value
    let w = weight.value
    let y = try Tensor.conv2d(
      x, weight: w, bias: bias?.value, stride: stride, padding: padding, dilation: dilation,
      groups: groups)
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Variable.record(y, name: "ConvolutionBackward0", inputs: inputs) {
      (g, needs) throws in
      let r = try Tensor.conv2dBackward(
        gradOutput: g, input: x, weight: w, stride: stride, padding: padding, dilation: dilation,
        groups: groups,
        needs: (needs[0], needs[1], needs.count > 2 && needs[2]))
      return needs.count > 2 ? [r.input, r.weight, r.bias] : [r.input, r.weight]
    }
  }
}
