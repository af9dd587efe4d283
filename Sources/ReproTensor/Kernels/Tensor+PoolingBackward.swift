/// The gradients of the pooling ops: each output gradient goes back to the input elements of
/// its window (the maximum for max pooling, every element with the forward divisor for average
/// pooling), as PyTorch's CPU `*_backward` kernels do.
extension Tensor {
  private struct PoolGrid {
    var planes = 0, h = 0, w = 0, oh = 0, ow = 0
    var kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1
  }

  private static func poolGrid(
    _ op: String, gradOutput: Tensor, inputShape: [Int], kernelSize: [Int], stride: [Int]?,
    padding: [Int],
    dilation: [Int]
  ) throws(TensorError) -> PoolGrid {
    guard inputShape.count == 3 || inputShape.count == 4, gradOutput.rank == inputShape.count,
      Array(gradOutput.shape.dropLast(2)) == Array(inputShape.dropLast(2))
    else {
      throw TensorError(
        .shapeMismatch, "\(op): grad_output \(gradOutput.shape) does not fit input \(inputShape)")
    }
    var p = PoolGrid()
    p.planes = inputShape.dropLast(2).reduce(1, *)
    (p.h, p.w) = (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1])
    (p.oh, p.ow) = (gradOutput.shape[gradOutput.rank - 2], gradOutput.shape[gradOutput.rank - 1])
    (p.kh, p.kw) = try pair(kernelSize, "kernel_size", op)
    let st = stride.map { $0.isEmpty ? kernelSize : $0 } ?? kernelSize
    (p.sh, p.sw) = try pair(st, "stride", op)
    (p.ph, p.pw) = try pair(padding, "padding", op)
    (p.dh, p.dw) = try pair(dilation, "dilation", op)
    return p
  }

  /// Runs `body` per plane with the output gradient plane and the zeroed input-gradient plane.
  private static func scatterPlanes<C: KernelScalar>(
    _ gradOutput: Tensor, inputShape: [Int], dtype: DType, _ p: PoolGrid, _: C.Type,
    _ body: (_ plane: Int, _ gy: UnsafePointer<C>, _ gx: UnsafeMutablePointer<C>) -> Void
  ) -> Tensor {
    unsafe makeComputed(C.self, shape: inputShape, dtype: dtype, device: gradOutput.device) {
      out, n in
      unsafe out.update(repeating: C.kernelZero, count: n)
      unsafe withContiguousValues(gradOutput, C.self) { pg in
        for pl in 0..<p.planes { unsafe body(pl, pg + pl * p.oh * p.ow, out + pl * p.h * p.w) }
      }
    }
  }

  /// The gradient of `maxPool2d` with respect to its input: each output gradient is added to
  /// the first maximum of its window (NaN counts as the maximum), as PyTorch's indices do.
  ///
  /// - Throws: `.shapeMismatch` when `gradOutput` does not fit the input, `.invalidArgument` for
  ///   malformed window arguments.
  public static func maxPool2dBackward(
    gradOutput: Tensor, input: Tensor, kernelSize: [Int], stride: [Int]? = nil,
    padding: [Int] = [0],
    dilation: [Int] = [1]
  ) throws(TensorError) -> Tensor {
    let p = try poolGrid(
      "max_pool2d_backward", gradOutput: gradOutput, inputShape: input.shape,
      kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation)
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe withContiguousValues(input, C.self) { px in
        unsafe scatterPlanes(gradOutput, inputShape: input.shape, dtype: input.dtype, p, C.self) {
          pl, gy, gx in
          let plane = unsafe px + pl * p.h * p.w
          for y in 0..<p.oh {
            for x in 0..<p.ow {
              var best = C.kernelZero
              var at = -1
              scan: for i in 0..<p.kh {
                let iy = y * p.sh - p.ph + i * p.dh
                if iy < 0 || iy >= p.h { continue }
                for j in 0..<p.kw {
                  let ix = x * p.sw - p.pw + j * p.dw
                  if ix < 0 || ix >= p.w { continue }
                  let v = unsafe plane[iy * p.w + ix]
                  if at < 0 || v > best || v.kernelIsNaN {
                    best = v
                    at = iy * p.w + ix
                  }
                  if v.kernelIsNaN { break scan }
                }
              }
              if at >= 0 { unsafe gx[at] = unsafe C.kernelAdd(gx[at], gy[y * p.ow + x]) }
            }
          }
        }
      }
    }
    switch ComputeKind(input.dtype) {
    case .double: return run(Double.self)
    default: return run(Float.self)
    }
  }

  /// The gradient of `avgPool2d` with respect to its input: each output gradient divided by the
  /// forward divisor is added to every element of its window.
  ///
  /// - Throws: as `maxPool2dBackward`.
  public static func avgPool2dBackward(
    gradOutput: Tensor, inputShape: [Int], dtype: DType, kernelSize: [Int], stride: [Int]? = nil,
    padding: [Int] = [0], countIncludePad: Bool = true, divisorOverride: Int? = nil
  ) throws(TensorError) -> Tensor {
    let p = try poolGrid(
      "avg_pool2d_backward", gradOutput: gradOutput, inputShape: inputShape, kernelSize: kernelSize,
      stride: stride, padding: padding, dilation: [1])
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe scatterPlanes(gradOutput, inputShape: inputShape, dtype: dtype, p, C.self) {
        _, gy, gx in
        for y in 0..<p.oh {
          for x in 0..<p.ow {
            var y0 = y * p.sh - p.ph
            var x0 = x * p.sw - p.pw
            var y1 = Swift.min(y0 + p.kh, p.h + p.ph)
            var x1 = Swift.min(x0 + p.kw, p.w + p.pw)
            let poolSize = (y1 - y0) * (x1 - x0)
            y0 = Swift.max(y0, 0)
            x0 = Swift.max(x0, 0)
            y1 = Swift.min(y1, p.h)
            x1 = Swift.min(x1, p.w)
            if y0 >= y1 || x0 >= x1 { continue }
            let divisor = divisorOverride ?? (countIncludePad ? poolSize : (y1 - y0) * (x1 - x0))
            let delta = unsafe C.kernelDiv(gy[y * p.ow + x], C(kernelInt: Int64(divisor)))
            for iy in y0..<y1 {
              for ix in x0..<x1 {
                unsafe gx[iy * p.w + ix] = unsafe C.kernelAdd(gx[iy * p.w + ix], delta)
              }
            }
          }
        }
      }
    }
    return dtype == .float64 ? run(Double.self) : run(Float.self)
  }

  /// The gradient of `adaptiveAvgPool2d` with respect to its input: each output gradient,
  /// divided by its window height and then its width, is added to its window; a 1x1 output is
  /// the gradient of `mean`, the output gradient divided by H·W.
  ///
  /// - Throws: `.shapeMismatch` when `gradOutput` does not fit the input.
  public static func adaptiveAvgPool2dBackward(
    gradOutput: Tensor, inputShape: [Int], dtype: DType
  ) throws(TensorError) -> Tensor {
    let p = try poolGrid(
      "adaptive_avg_pool2d_backward", gradOutput: gradOutput, inputShape: inputShape,
      kernelSize: [1], stride: [1], padding: [0], dilation: [1])
    func run<C: KernelScalar>(_: C.Type) -> Tensor {
      unsafe scatterPlanes(gradOutput, inputShape: inputShape, dtype: dtype, p, C.self) {
        _, gy, gx in
        if p.oh == 1 && p.ow == 1 {
          let delta = unsafe C.kernelDiv(gy[0], C(kernelInt: Int64(p.h * p.w)))
          for i in 0..<(p.h * p.w) { unsafe gx[i] = delta }
          return
        }
        for y in 0..<p.oh {
          let (y0, y1) = adaptiveRange(y, inSize: p.h, outSize: p.oh)
          for x in 0..<p.ow {
            let (x0, x1) = adaptiveRange(x, inSize: p.w, outSize: p.ow)
            let delta = unsafe C.kernelDiv(
              C.kernelDiv(gy[y * p.ow + x], C(kernelInt: Int64(y1 - y0))),
              C(kernelInt: Int64(x1 - x0)))
            for iy in y0..<y1 {
              for ix in x0..<x1 {
                unsafe gx[iy * p.w + ix] = unsafe C.kernelAdd(gx[iy * p.w + ix], delta)
              }
            }
          }
        }
      }
    }
    return dtype == .float64 ? run(Double.self) : run(Float.self)
  }
}
