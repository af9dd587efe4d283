/// The gradients of `conv2d` (PyTorch's `convolution_backward`): the input gradient by the
/// transposed product and col2im, the weight gradient by gemm against the im2col columns, and
/// the bias gradient as the sum of the output gradient over batch and space.
extension Tensor {
  /// The gradients of `Tensor.conv2d(input, weight:bias:stride:padding:dilation:groups:)` for an
  /// output gradient `gradOutput` [N, Cout, OH, OW].
  ///
  /// float32/float64 compute in their own type on BLAS; float16/bfloat16 compute in float32 and
  /// round once, as PyTorch's CPU opmath. Sums over the batch accumulate sample by sample.
  /// - Parameters:
  ///   - gradOutput: the gradient of the convolution's output.
  ///   - input: the forward input [N, Cin, H, W] (or unbatched [Cin, H, W]).
  ///   - weight: the forward weight [Cout, Cin/groups, kh, kw].
  ///   - stride, padding, dilation, groups: the forward arguments.
  ///   - needs: which of (input, weight, bias) gradients to compute; the others are nil.
  /// - Returns: the gradients in the dtypes and shapes of input, weight and the bias [Cout].
  /// - Throws: `.shapeMismatch` when `gradOutput` does not have the forward output's shape,
  ///   plus the errors of `conv2d` for inconsistent arguments.
  public static func conv2dBackward(
    gradOutput: Tensor, input: Tensor, weight: Tensor, stride: [Int] = [1], padding: [Int] = [0],
    dilation: [Int] = [1], groups: Int = 1,
    needs: (input: Bool, weight: Bool, bias: Bool) = (true, true, true)
  ) throws(TensorError) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
    let unbatched = input.rank == 3
    let x = unbatched ? try input.unsqueezed(0) : input
    let gy = unbatched && gradOutput.rank == 3 ? try gradOutput.unsqueezed(0) : gradOutput
    guard x.rank == 4, weight.rank == 4 else {
      throw TensorError(
        .shapeMismatch,
        "conv2d backward: expected 4-D input and weight, got \(input.shape) and \(weight.shape)")
    }
    var g = Conv2dGeometry()
    (g.strideH, g.strideW) = try pair(stride, "stride", "conv2d")
    (g.padH, g.padW) = try pair(padding, "padding", "conv2d")
    (g.dilationH, g.dilationW) = try pair(dilation, "dilation", "conv2d")
    g.groups = groups
    (g.batch, g.inChannels, g.inHeight, g.inWidth) = (
      x.shape[0], x.shape[1], x.shape[2], x.shape[3]
    )
    (g.outChannels, g.kernelHeight, g.kernelWidth) = (
      weight.shape[0], weight.shape[2], weight.shape[3]
    )
    guard groups > 0, g.strideH > 0, g.strideW > 0, g.dilationH > 0, g.dilationW > 0,
      weight.shape[1] * groups == g.inChannels, g.outChannels % groups == 0
    else {
      throw TensorError(
        .invalidArgument,
        "conv2d backward: weight \(weight.shape), input \(input.shape) and groups=\(groups) are inconsistent"
      )
    }
    g.outHeight = (g.inHeight + 2 * g.padH - g.dilationH * (g.kernelHeight - 1) - 1) / g.strideH + 1
    g.outWidth = (g.inWidth + 2 * g.padW - g.dilationW * (g.kernelWidth - 1) - 1) / g.strideW + 1
    let outShape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    guard gy.shape == outShape else {
      throw TensorError(
        .shapeMismatch,
        "conv2d backward: grad_output has shape \(gradOutput.shape), expected \(outShape)")
    }
    var result: (input: Tensor?, weight: Tensor?, bias: Tensor?)
    if x.dtype == .float64 {
      result = conv2dGradients(gy, x, weight, g, needs, Double.self)
    } else {
      result = conv2dGradients(gy, x, weight, g, needs, Float.self)
    }
    if unbatched, let gi = result.input { result.input = try gi.squeezed(0) }
    return result
  }

  private static func conv2dGradients<C: GemmScalar>(
    _ gy: Tensor, _ x: Tensor, _ w: Tensor, _ g: Conv2dGeometry,
    _ needs: (input: Bool, weight: Bool, bias: Bool), _: C.Type
  ) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
    let cinG = g.inChannels / g.groups
    let coutG = g.outChannels / g.groups
    let kk = cinG * g.kernelHeight * g.kernelWidth
    let spatial = g.outHeight * g.outWidth
    let planeSize = g.inHeight * g.inWidth
    var gradInput: Tensor?
    var gradWeight: Tensor?
    var gradBias: Tensor?
    unsafe withContiguousValues(gy, C.self) { pgy in
      if needs.bias {
        gradBias = unsafe makeComputed(
          C.self, shape: [g.outChannels], dtype: w.dtype, device: w.device
        ) {
          out, _ in
          for o in 0..<g.outChannels {
            var s = C.kernelZero
            for nb in 0..<g.batch {
              s = unsafe C.kernelAdd(
                s, pairwiseSum(pgy + (nb * g.outChannels + o) * spatial, spatial))
            }
            unsafe out[o] = s
          }
        }
      }
      let cols = UnsafeMutablePointer<C>.allocate(capacity: Swift.max(1, kk * spatial))
      defer { unsafe cols.deallocate() }
      if needs.weight {
        gradWeight = unsafe makeComputed(C.self, shape: w.shape, dtype: w.dtype, device: w.device) {
          out, n in
          unsafe out.update(repeating: C.kernelZero, count: n)
          let tmp = UnsafeMutablePointer<C>.allocate(capacity: Swift.max(1, coutG * kk))
          defer { unsafe tmp.deallocate() }
          unsafe withContiguousValues(x, C.self) { px in
            for nb in 0..<g.batch {
              for grp in 0..<g.groups {
                let plane = unsafe px + (nb * g.inChannels + grp * cinG) * planeSize
                unsafe Conv2dColumns.im2col(plane, cols, g, channels: cinG)
                let gyG = unsafe pgy + (nb * g.outChannels + grp * coutG) * spatial
                // dW_g [coutG, kk] = dY_g [coutG, S] · colsᵀ [S, kk]
                unsafe gemmProduct(
                  MatrixView(base: gyG, rowStride: spatial, colStride: 1),
                  MatrixView(base: UnsafePointer(cols), rowStride: 1, colStride: spatial), tmp,
                  coutG, kk, spatial)
                let dst = unsafe out + grp * coutG * kk
                for i in 0..<(coutG * kk) { unsafe dst[i] = unsafe C.kernelAdd(dst[i], tmp[i]) }
              }
            }
          }
        }
      }
      if needs.input {
        gradInput = unsafe makeComputed(C.self, shape: x.shape, dtype: x.dtype, device: x.device) {
          out, n in
          unsafe out.update(repeating: C.kernelZero, count: n)
          unsafe withContiguousValues(w, C.self) { pw in
            for nb in 0..<g.batch {
              for grp in 0..<g.groups {
                let gyG = unsafe pgy + (nb * g.outChannels + grp * coutG) * spatial
                let wG = unsafe pw + grp * coutG * kk
                // dCols [kk, S] = W_gᵀ [kk, coutG] · dY_g [coutG, S]
                unsafe gemmProduct(
                  MatrixView(base: wG, rowStride: 1, colStride: kk),
                  MatrixView(base: gyG, rowStride: spatial, colStride: 1), cols, kk, spatial, coutG)
                unsafe Conv2dColumns.col2imAdd(
                  cols, out + (nb * g.inChannels + grp * cinG) * planeSize, g, channels: cinG)
              }
            }
          }
        }
      }
    }
    return (gradInput, gradWeight, gradBias)
  }
}

/// im2col and its adjoint col2im for one sample and group of a convolution.
enum Conv2dColumns {
  /// Writes rows (c, i, j) × columns (oh, ow) of the unfolded input; zeros outside the input.
  static func im2col<C: KernelScalar>(
    _ plane: UnsafePointer<C>, _ cols: UnsafeMutablePointer<C>, _ g: Conv2dGeometry, channels: Int
  ) {
    let spatial = g.outHeight * g.outWidth
    var r = 0
    for c in 0..<channels {
      let src0 = unsafe plane + c * g.inHeight * g.inWidth
      for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
          let row = unsafe cols + r * spatial
          for oh in 0..<g.outHeight {
            let ih = oh * g.strideH - g.padH + i * g.dilationH
            let dst = unsafe row + oh * g.outWidth
            if ih < 0 || ih >= g.inHeight {
              unsafe dst.update(repeating: C.kernelZero, count: g.outWidth)
              continue
            }
            let src = unsafe src0 + ih * g.inWidth
            for ow in 0..<g.outWidth {
              let iw = ow * g.strideW - g.padW + j * g.dilationW
              unsafe dst[ow] = unsafe iw >= 0 && iw < g.inWidth ? src[iw] : C.kernelZero
            }
          }
          r += 1
        }
      }
    }
  }

  /// Adds each column entry back to the input position it was read from (the adjoint of
  /// `im2col`).
  static func col2imAdd<C: KernelScalar>(
    _ cols: UnsafePointer<C>, _ plane: UnsafeMutablePointer<C>, _ g: Conv2dGeometry, channels: Int
  ) {
    let spatial = g.outHeight * g.outWidth
    var r = 0
    for c in 0..<channels {
      let dst0 = unsafe plane + c * g.inHeight * g.inWidth
      for i in 0..<g.kernelHeight {
        for j in 0..<g.kernelWidth {
          let row = unsafe cols + r * spatial
          for oh in 0..<g.outHeight {
            let ih = oh * g.strideH - g.padH + i * g.dilationH
            if ih < 0 || ih >= g.inHeight { continue }
            let dst = unsafe dst0 + ih * g.inWidth
            let src = unsafe row + oh * g.outWidth
            for ow in 0..<g.outWidth {
              let iw = ow * g.strideW - g.padW + j * g.dilationW
              if iw >= 0 && iw < g.inWidth { unsafe dst[iw] = unsafe C.kernelAdd(dst[iw], src[ow]) }
            }
          }
          r += 1
        }
      }
    }
  }
}
