/// A strided matrix: element (i, j) is at `base[i * rowStride + j * colStride]`.
@unsafe struct MatrixView<C> {
  let base: UnsafePointer<C>
  let rowStride: Int
  let colStride: Int

  @inline(__always) subscript(i: Int, j: Int) -> C { unsafe base[i &* rowStride &+ j &* colStride] }
}

/// Plain loops that define each heavy op, used by `ComputeBackend.reference` and as the oracle
/// in tests.
///
/// Each accumulates in the kernel type in index order, the textbook way.
enum ReferenceKernels {
  /// `out[i*n + j] = Σ_p a[i,p] * b[p,j]`, summed over `p = 0..<k` in order (row-major out).
  static func matmul<C: KernelScalar>(
    _ a: MatrixView<C>, _ b: MatrixView<C>, into out: UnsafeMutablePointer<C>, m: Int, n: Int,
    k: Int
  ) {
    for i in 0..<m {
      for j in 0..<n {
        var acc = C.kernelZero
        for p in 0..<k { acc = unsafe C.kernelAdd(acc, C.kernelMul(a[i, p], b[p, j])) }
        unsafe out[i * n + j] = acc
      }
    }
  }

  /// Direct 2-d convolution (cross-correlation, as PyTorch) of contiguous NCHW `input` with
  /// contiguous `weight` [Cout, Cin/groups, kh, kw]; each output is
  /// `Σ_{c, i, j} x[n, g*Cin/g + c, oh*sh - ph + i*dh, ow*sw - pw + j*dw] * w[o, c, i, j]`
  /// over in-bounds positions in (c, i, j) order, plus `bias[o]` added last.
  static func conv2d<C: KernelScalar>(
    input x: UnsafePointer<C>, weight w: UnsafePointer<C>, bias: UnsafePointer<C>?,
    into out: UnsafeMutablePointer<C>, geometry g: Conv2dGeometry
  ) {
    let cinG = g.inChannels / g.groups
    let coutG = g.outChannels / g.groups
    for nb in 0..<g.batch {
      for o in 0..<g.outChannels {
        let group = o / coutG
        for oh in 0..<g.outHeight {
          for ow in 0..<g.outWidth {
            var acc = C.kernelZero
            for c in 0..<cinG {
              let ci = group * cinG + c
              for i in 0..<g.kernelHeight {
                let ih = oh * g.strideH - g.padH + i * g.dilationH
                if ih < 0 || ih >= g.inHeight { continue }
                for j in 0..<g.kernelWidth {
                  let iw = ow * g.strideW - g.padW + j * g.dilationW
                  if iw < 0 || iw >= g.inWidth { continue }
                  let xRow: Int = (nb * g.inChannels + ci) * g.inHeight + ih
                  let wRow: Int = (o * cinG + c) * g.kernelHeight + i
                  let xv = unsafe x[xRow * g.inWidth + iw]
                  let wv = unsafe w[wRow * g.kernelWidth + j]
                  acc = C.kernelAdd(acc, C.kernelMul(xv, wv))
                }
              }
            }
            if let bias = unsafe bias { acc = unsafe C.kernelAdd(acc, bias[o]) }
            let outRow: Int = (nb * g.outChannels + o) * g.outHeight + oh
            unsafe out[outRow * g.outWidth + ow] = acc
          }
        }
      }
    }
  }
}
