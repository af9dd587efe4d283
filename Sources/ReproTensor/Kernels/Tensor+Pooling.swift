/// 2-d pooling over the last two dims of [N, C, H, W] or [C, H, W]: max, average and adaptive
/// average, with PyTorch's window formulas. Windows are summed left to right, top to bottom in
/// the opmath type (float32 for float16/bfloat16/float32), as PyTorch's CPU kernels do for
/// contiguous NCHW input.
extension Tensor {
  /// PyTorch's `pooling_output_shape`: floor (or ceil) division, and with `ceilMode` the last
  /// window must start inside the input or left padding.
  static func poolOutputSize(
    _ input: Int, kernel: Int, pad: Int, stride: Int, dilation: Int, ceilMode: Bool
  ) -> Int {
    let numerator = input + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
    var out = (numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)) + 1
    if ceilMode && (out - 1) * stride >= input + pad { out -= 1 }
    return out
  }

  private func poolPlanes(_ op: String) throws(TensorError) -> (planes: Int, h: Int, w: Int) {
    guard rank == 3 || rank == 4 else {
      throw TensorError(
        .shapeMismatch, "\(op): Expected 3D or 4D (batch mode) tensor for input, got \(shape)")
    }
    try checkComputable(op)
    let h = shape[rank - 2]
    let w = shape[rank - 1]
    return (shape.dropLast(2).reduce(1, *), h, w)
  }

  private struct PoolParams {
    var kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, oh = 0, ow = 0
  }

  private func poolParams(
    _ op: String, kernelSize: [Int], stride: [Int]?, padding: [Int], dilation: [Int],
    ceilMode: Bool,
    h: Int, w: Int
  ) throws(TensorError) -> PoolParams {
    var p = PoolParams()
    (p.kh, p.kw) = try Tensor.pair(kernelSize, "kernel_size", op)
    let st = stride.map { $0.isEmpty ? kernelSize : $0 } ?? kernelSize
    (p.sh, p.sw) = try Tensor.pair(st, "stride", op)
    (p.ph, p.pw) = try Tensor.pair(padding, "padding", op)
    (p.dh, p.dw) = try Tensor.pair(dilation, "dilation", op)
    guard p.kh > 0, p.kw > 0 else {
      throw TensorError(
        .invalidArgument,
        "\(op): kernel_size must be greater than zero, but got kH: \(p.kh) kW: \(p.kw)")
    }
    guard p.sh > 0, p.sw > 0 else {
      throw TensorError(
        .invalidArgument,
        "\(op): stride should be greater than zero, but got dH: \(p.sh) dW: \(p.sw)")
    }
    guard p.dh > 0, p.dw > 0 else {
      throw TensorError(
        .invalidArgument,
        "\(op): dilation should be greater than zero, but got dilationH: \(p.dh) dilationW: \(p.dw)"
      )
    }
    guard p.ph >= 0, p.pw >= 0, p.ph <= ((p.kh - 1) * p.dh + 1) / 2,
      p.pw <= ((p.kw - 1) * p.dw + 1) / 2
    else {
      throw TensorError(
        .invalidArgument,
        "\(op): pad should be at most half of effective kernel size, but got pad=\(Swift.max(p.ph, p.pw)), kernel_size=\(Swift.max(p.kh, p.kw))"
      )
    }
    p.oh = Tensor.poolOutputSize(
      h, kernel: p.kh, pad: p.ph, stride: p.sh, dilation: p.dh, ceilMode: ceilMode)
    p.ow = Tensor.poolOutputSize(
      w, kernel: p.kw, pad: p.pw, stride: p.sw, dilation: p.dw, ceilMode: ceilMode)
    guard p.oh > 0, p.ow > 0 else {
      throw TensorError(
        .invalidArgument,
        "\(op): Given input size: (\(shape.dropLast(2).last ?? 1)x\(h)x\(w)). Calculated output size: (\(shape.dropLast(2).last ?? 1)x\(p.oh)x\(p.ow)). Output size is too small"
      )
    }
    return p
  }

  private func pooled<C: KernelScalar>(
    _: C.Type, planes: Int, h: Int, w: Int, oh: Int, ow: Int,
    _ window: (_ plane: UnsafePointer<C>, _ y: Int, _ x: Int) -> C
  ) -> Tensor {
    let outShape = Array(shape.dropLast(2)) + [oh, ow]
    return unsafe Tensor.makeComputed(C.self, shape: outShape, dtype: dtype, device: device) {
      out, _ in
      unsafe Tensor.withContiguousValues(self, C.self) { p in
        for pl in 0..<planes {
          let plane = unsafe p + pl * h * w
          for y in 0..<oh {
            for x in 0..<ow { unsafe out[(pl * oh + y) * ow + x] = unsafe window(plane, y, x) }
          }
        }
      }
    }
  }

  /// Max pooling (`torch.nn.functional.max_pool2d`): padding counts as -inf, NaN propagates.
  ///
  /// - Parameters:
  ///   - kernelSize: `[k]` or `[kh, kw]`.
  ///   - stride: defaults to `kernelSize` (`nil` or empty).
  ///   - padding: at most half the kernel size.
  ///   - dilation: spacing of the window elements.
  ///   - ceilMode: use ceiling instead of floor for the output size.
  /// - Throws: `.shapeMismatch` unless the input is 3-d or 4-d, `.invalidArgument` for bad
  ///   window parameters or an empty output.
  public func maxPool2d(
    kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], dilation: [Int] = [1],
    ceilMode: Bool = false
  ) throws(TensorError) -> Tensor {
    let (planes, h, w) = try poolPlanes("max_pool2d")
    let p = try poolParams(
      "max_pool2d", kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
      ceilMode: ceilMode, h: h, w: w)
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe pooled(C.self, planes: planes, h: h, w: w, oh: p.oh, ow: p.ow) { plane, y, x in
        var best: C?
        for i in 0..<p.kh {
          let iy = y * p.sh - p.ph + i * p.dh
          if iy < 0 || iy >= h { continue }
          for j in 0..<p.kw {
            let ix = x * p.sw - p.pw + j * p.dw
            if ix < 0 || ix >= w { continue }
            let v = unsafe plane[iy * w + ix]
            if let b = best {
              if v > b || v.kernelIsNaN { best = v }
            } else {
              best = v
            }
            if v.kernelIsNaN { return v }
          }
        }
        return best ?? C.kernelZero
      }
    }
    switch ComputeKind(dtype) {
    case .float: return run(Float.self)
    case .double: return run(Double.self)
    case .int: return run(Int64.self)
    }
  }

  /// Average pooling (`torch.nn.functional.avg_pool2d`): the window sum divided by the window
  /// size clipped to the padded input (`countIncludePad`), by the in-bounds count otherwise, or
  /// by `divisorOverride`.
  ///
  /// - Throws: as `maxPool2d`, plus `.unsupportedDType` for non-floating dtypes and
  ///   `.invalidArgument` for a zero divisor.
  public func avgPool2d(
    kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0], ceilMode: Bool = false,
    countIncludePad: Bool = true, divisorOverride: Int? = nil
  ) throws(TensorError) -> Tensor {
    let (planes, h, w) = try poolPlanes("avg_pool2d")
    guard dtype.isFloatingPoint else {
      throw TensorError(
        .unsupportedDType, "avg_pool2d: dtype \(dtype.pytorchName) is not supported here")
    }
    if let d = divisorOverride, d == 0 {
      throw TensorError(.invalidArgument, "avg_pool2d: divisor must be not zero")
    }
    let p = try poolParams(
      "avg_pool2d", kernelSize: kernelSize, stride: stride, padding: padding, dilation: [1],
      ceilMode: ceilMode, h: h, w: w)
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe pooled(C.self, planes: planes, h: h, w: w, oh: p.oh, ow: p.ow) { plane, y, x in
        var y0 = y * p.sh - p.ph
        var x0 = x * p.sw - p.pw
        var y1 = Swift.min(y0 + p.kh, h + p.ph)
        var x1 = Swift.min(x0 + p.kw, w + p.pw)
        let poolSize = (y1 - y0) * (x1 - x0)
        y0 = Swift.max(y0, 0)
        x0 = Swift.max(x0, 0)
        y1 = Swift.min(y1, h)
        x1 = Swift.min(x1, w)
        if y0 >= y1 || x0 >= x1 { return C.kernelZero }
        var sum = C.kernelZero
        for iy in y0..<y1 {
          for ix in x0..<x1 { sum = unsafe C.kernelAdd(sum, plane[iy * w + ix]) }
        }
        let divisor = divisorOverride ?? (countIncludePad ? poolSize : (y1 - y0) * (x1 - x0))
        return C.kernelDiv(sum, C(kernelInt: Int64(divisor)))
      }
    }
    return dtype == .float64 ? run(Double.self) : run(Float.self)
  }

  /// Adaptive average pooling (`torch.nn.functional.adaptive_avg_pool2d`): output cell (i, j)
  /// averages rows `floor(i·H/oh) ..< ceil((i+1)·H/oh)` and the same for columns, dividing the
  /// sum by the window height and then by its width, as PyTorch's CPU kernel.
  ///
  /// A 1x1 output is
  /// `mean(dims: [-1, -2], keepdim: true)`, as in PyTorch (close to, not bitwise equal to, its
  /// result: see the summation order of `sum`).
  ///
  /// - Parameter outputSize: `[s]` or `[oh, ow]`, each at least 1.
  /// - Throws: `.shapeMismatch` unless the input is 3-d or 4-d, `.invalidArgument` for a
  ///   non-positive output size, `.unsupportedDType` for non-floating dtypes.
  public func adaptiveAvgPool2d(outputSize: [Int]) throws(TensorError) -> Tensor {
    let (planes, h, w) = try poolPlanes("adaptive_avg_pool2d")
    guard dtype.isFloatingPoint else {
      throw TensorError(
        .unsupportedDType, "adaptive_avg_pool2d: dtype \(dtype.pytorchName) is not supported here")
    }
    let (oh, ow) = try Tensor.pair(outputSize, "output_size", "adaptive_avg_pool2d")
    guard oh > 0, ow > 0 else {
      throw TensorError(
        .invalidArgument, "adaptive_avg_pool2d: output size must be positive, got \(outputSize)")
    }
    guard h > 0, w > 0 else {
      throw TensorError(
        .invalidArgument,
        "adaptive_avg_pool2d: expected input to have non-zero size for non-batch dimensions, but input has sizes \(shape)"
      )
    }
    // PyTorch takes `mean(dim=(-1, -2), keepdim=True)` for a 1x1 output (a cascade sum).
    if oh == 1 && ow == 1 { return try mean(dims: [-1, -2], keepdim: true) }
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe pooled(C.self, planes: planes, h: h, w: w, oh: oh, ow: ow) { plane, y, x in
        let (y0, y1) = Tensor.adaptiveRange(y, inSize: h, outSize: oh)
        let (x0, x1) = Tensor.adaptiveRange(x, inSize: w, outSize: ow)
        var sum = C.kernelZero
        for iy in y0..<y1 {
          for ix in x0..<x1 { sum = unsafe C.kernelAdd(sum, plane[iy * w + ix]) }
        }
        return C.kernelDiv(
          C.kernelDiv(sum, C(kernelInt: Int64(y1 - y0))), C(kernelInt: Int64(x1 - x0)))
      }
    }
    return dtype == .float64 ? run(Double.self) : run(Float.self)
  }

  /// PyTorch's `start_index`/`end_index`: `floor(i·in/out)` and `ceil((i+1)·in/out)`.
  static func adaptiveRange(_ i: Int, inSize: Int, outSize: Int) -> (Int, Int) {
    let start = (i * inSize) / outSize
    let end = ((i + 1) * inSize + outSize - 1) / outSize
    return (start, end)
  }
}
