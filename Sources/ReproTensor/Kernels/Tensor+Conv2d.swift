/// The sizes of one 2-d convolution, checked against each other.
struct Conv2dGeometry {
  var batch = 0, inChannels = 0, inHeight = 0, inWidth = 0
  var outChannels = 0, kernelHeight = 0, kernelWidth = 0
  var strideH = 1, strideW = 1, padH = 0, padW = 0, dilationH = 1, dilationW = 1, groups = 1
  var outHeight = 0, outWidth = 0
}

/// 2-d convolution (`torch.nn.functional.conv2d`) by im2col + gemm, or direct loops under
/// `ComputeBackend.reference`.
extension Tensor {
  /// Expands an `int or (int, int)` argument as PyTorch does.
  static func pair(_ v: [Int], _ name: String, _ op: String) throws(TensorError) -> (Int, Int) {
    switch v.count {
    case 1: return (v[0], v[0])
    case 2: return (v[0], v[1])
    default:
      throw TensorError(
        .invalidArgument,
        "\(op): expected \(name) to be a single integer value or a list of 2 values, got \(v)")
    }
  }

  /// The 2-d convolution (cross-correlation) of `input` [N, Cin, H, W] (or unbatched
  /// [Cin, H, W]) with `weight` [Cout, Cin/groups, kh, kw], plus `bias` [Cout].
  ///
  /// float32/float64 run im2col + `cblas_sgemm`/`dgemm` per sample and group under
  /// `ComputeBackend.blas`; float16/bfloat16 compute in float32 and round once. The bias is
  /// added after the sum of products, as PyTorch does.
  /// - Parameters:
  ///   - stride, padding, dilation: one value for both spatial dims, or `[h, w]`.
  ///   - groups: the number of channel groups; Cin and Cout must be divisible by it.
  /// - Throws: `.shapeMismatch` naming the shapes when they disagree (PyTorch's message for the
  ///   channel count), `.invalidArgument` for non-positive stride/dilation/groups, negative
  ///   padding or an empty output, `.dtypeMismatch` when dtypes differ, `.unsupportedDType` for
  ///   integer, bool and complex tensors.
  public static func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: [Int] = [0],
    dilation: [Int] = [1], groups: Int = 1
  ) throws(TensorError) -> Tensor {
    let unbatched = input.rank == 3
    guard input.rank == 4 || unbatched else {
      throw TensorError(
        .shapeMismatch,
        "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: \(input.shape)"
      )
    }
    guard weight.rank == 4 else {
      throw TensorError(
        .shapeMismatch,
        "conv2d: expected a 4-D weight [out, in/groups, kh, kw], got \(weight.shape)")
    }
    guard input.dtype == weight.dtype, bias.map({ $0.dtype == input.dtype }) ?? true else {
      throw TensorError(
        .dtypeMismatch,
        "Input type (\(input.dtype.pytorchName)) and weight type (\(weight.dtype.pytorchName))\(bias.map { " and bias type (\($0.dtype.pytorchName))" } ?? "") should be the same"
      )
    }
    guard input.dtype.isFloatingPoint, !input.dtype.isFloat8 else {
      throw TensorError(
        .unsupportedDType,
        "conv2d: dtype \(input.dtype.pytorchName) is not supported (floating dtypes only)")
    }
    let x = unbatched ? try input.unsqueezed(0) : input
    var g = Conv2dGeometry()
    (g.strideH, g.strideW) = try pair(stride, "stride", "conv2d")
    (g.padH, g.padW) = try pair(padding, "padding", "conv2d")
    (g.dilationH, g.dilationW) = try pair(dilation, "dilation", "conv2d")
    g.groups = groups
    guard g.strideH > 0, g.strideW > 0 else {
      throw TensorError(.invalidArgument, "conv2d: non-positive stride is not supported")
    }
    guard g.dilationH > 0, g.dilationW > 0 else {
      throw TensorError(.invalidArgument, "conv2d: dilation should be greater than zero")
    }
    guard g.padH >= 0, g.padW >= 0 else {
      throw TensorError(.invalidArgument, "conv2d: negative padding is not supported")
    }
    guard groups > 0 else {
      throw TensorError(.invalidArgument, "conv2d: non-positive groups is not supported")
    }
    (g.batch, g.inChannels, g.inHeight, g.inWidth) = (
      x.shape[0], x.shape[1], x.shape[2], x.shape[3]
    )
    (g.outChannels, g.kernelHeight, g.kernelWidth) = (
      weight.shape[0], weight.shape[2], weight.shape[3]
    )
    guard weight.shape[1] * groups == g.inChannels else {
      throw TensorError(
        .shapeMismatch,
        "Given groups=\(groups), weight of size \(weight.shape), expected input\(input.shape) to have \(weight.shape[1] * groups) channels, but got \(g.inChannels) channels instead"
      )
    }
    guard g.outChannels % groups == 0 else {
      throw TensorError(
        .shapeMismatch,
        "Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(weight.shape) instead"
      )
    }
    if let bias, bias.shape != [g.outChannels] {
      throw TensorError(
        .shapeMismatch, "conv2d: expected bias of shape [\(g.outChannels)], got \(bias.shape)")
    }
    let effH = g.dilationH * (g.kernelHeight - 1) + 1
    let effW = g.dilationW * (g.kernelWidth - 1) + 1
    guard g.inHeight + 2 * g.padH >= effH, g.inWidth + 2 * g.padW >= effW else {
      throw TensorError(
        .invalidArgument,
        "conv2d: Kernel size can't be greater than actual input size: padded input size (\(g.inHeight + 2 * g.padH) x \(g.inWidth + 2 * g.padW)), effective kernel size (\(effH) x \(effW))"
      )
    }
    g.outHeight = (g.inHeight + 2 * g.padH - effH) / g.strideH + 1
    g.outWidth = (g.inWidth + 2 * g.padW - effW) / g.strideW + 1
    let backend = ComputeBackend.current
    let out =
      input.dtype == .float64
      ? convolve(x, weight, bias, g, Double.self, backend)
      : convolve(x, weight, bias, g, Float.self, backend)
    return unbatched ? try out.squeezed(0) : out
  }

  private static func convolve<C: GemmScalar>(
    _ x: Tensor, _ w: Tensor, _ bias: Tensor?, _ g: Conv2dGeometry, _: C.Type,
    _ backend: ComputeBackend
  ) -> Tensor {
    let shape = [g.batch, g.outChannels, g.outHeight, g.outWidth]
    return unsafe makeComputed(C.self, shape: shape, dtype: x.dtype, device: x.device) { out, _ in
      unsafe withContiguousValues(x, C.self) { px in
        unsafe withContiguousValues(w, C.self) { pw in
          func run(_ pb: UnsafePointer<C>?) {
            if backend == .reference {
              unsafe ReferenceKernels.conv2d(
                input: px, weight: pw, bias: pb, into: out, geometry: g)
            } else {
              unsafe im2colConv(px, pw, pb, out, g)
            }
          }
          if let bias {
            unsafe withContiguousValues(bias, C.self) { unsafe run($0) }
          } else {
            run(nil)
          }
        }
      }
    }
  }

  /// For each sample and group: columns [Cin/g·kh·kw, oh·ow] (zeros where the window leaves
  /// the padded input), then out_g = W_g · columns by gemm, then the bias.
  private static func im2colConv<C: GemmScalar>(
    _ x: UnsafePointer<C>, _ w: UnsafePointer<C>, _ bias: UnsafePointer<C>?,
    _ out: UnsafeMutablePointer<C>,
    _ g: Conv2dGeometry
  ) {
    let cinG = g.inChannels / g.groups
    let coutG = g.outChannels / g.groups
    let kk = cinG * g.kernelHeight * g.kernelWidth
    let spatial = g.outHeight * g.outWidth
    let cols = UnsafeMutablePointer<C>.allocate(capacity: Swift.max(1, kk * spatial))
    defer { unsafe cols.deallocate() }
    for nb in 0..<g.batch {
      for grp in 0..<g.groups {
        unsafe Conv2dColumns.im2col(
          x + (nb * g.inChannels + grp * cinG) * g.inHeight * g.inWidth, cols, g, channels: cinG)
        let outG = unsafe out + (nb * g.outChannels + grp * coutG) * spatial
        let wG = unsafe w + grp * coutG * kk
        unsafe gemmProduct(
          MatrixView(base: wG, rowStride: kk, colStride: 1),
          MatrixView(base: UnsafePointer(cols), rowStride: spatial, colStride: 1), outG, coutG,
          spatial, kk)
        if let bias = unsafe bias {
          for o in 0..<coutG {
            let b = unsafe bias[grp * coutG + o]
            let p = unsafe outG + o * spatial
            for s in 0..<spatial { unsafe p[s] = unsafe C.kernelAdd(p[s], b) }
          }
        }
      }
    }
  }
}
