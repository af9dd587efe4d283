/// The elementwise engine: broadcast operands, read them as a kernel type, run a row loop.
///
/// Operands whose dtype is the kernel type's natural dtype (float32 for `Float`, float64 for
/// `Double`, int64 for `Int64`) are read in place through their strides; others are first
/// converted to a contiguous buffer of the kernel type. Rows are coalesced by `ElementLoop`, so
/// contiguous same-shape operands run as one tight loop over typed pointers that the compiler
/// vectorises.
enum Elementwise {
  /// Calls `body` with a pointer to `t`'s first element as `C` and its strides broadcast to
  /// `shape`.
  ///
  /// Operands are rounded through `rounding` (the common dtype) when it is
  /// float16/bfloat16, as PyTorch casts them to the common dtype before opmath compute; 0-d
  /// operands (numbers) only when `roundsZeroDim` (PyTorch's mul and div read a CPU scalar's
  /// original value in float32, add, sub and comparisons read it in the common dtype).
  @inline(__always)
  static func withOperand<C: KernelScalar, R>(
    _ t: Tensor, _: C.Type, broadcastTo shape: [Int], rounding: DType?, roundsZeroDim: Bool = true,
    _ body: (UnsafePointer<C>, [Int]) -> R
  ) -> R {
    if t.dtype == C.naturalDType {
      return unsafe t.storage.withUnsafeBytes { raw in
        let p = unsafe raw.start.assumingMemoryBound(to: C.self) + t.storageOffset
        return unsafe body(p, Broadcast.strides(shape: t.shape, strides: t.strides, to: shape))
      }
    }
    let values = t.kernelValues(
      C.self, roundingThrough: t.rank == 0 && !roundsZeroDim ? nil : rounding)
    let strides = Broadcast.strides(
      shape: t.shape, strides: Tensor.contiguousStrides(for: t.shape), to: shape)
    return unsafe values.withUnsafeBufferPointer { buf in
      // A 0-element operand is never read; give the body a valid dummy address.
      if let base = buf.baseAddress { return unsafe body(base, strides) }
      var dummy = [C.kernelZero]
      return unsafe dummy.withUnsafeMutableBufferPointer {
        unsafe body(UnsafePointer($0.start), strides)
      }
    }
  }

  /// One output per element of the broadcast of `a` and `b`, computed as `op(a, b)` in `C` and
  /// rounded once into `result`.
  ///
  /// The output is dense, laid out in the operands' stride order
  /// (`ElementLoop.layoutOrder`): row-major for row-major inputs.
  @inline(__always)
  static func binary<C: KernelScalar, O: KernelOutput>(
    _ a: Tensor, _ b: Tensor, shape: [Int], compute: C.Type, result: DType, rounding: DType?,
    roundsZeroDim: Bool = true, _ op: (C, C) -> O
  ) -> Tensor {
    unsafe withOperand(
      a, C.self, broadcastTo: shape, rounding: rounding, roundsZeroDim: roundsZeroDim
    ) {
      pa, sa in
      unsafe withOperand(
        b, C.self, broadcastTo: shape, rounding: rounding, roundsZeroDim: roundsZeroDim
      ) {
        pb, sb in
        let order = ElementLoop.layoutOrder(shape: shape, strides: [sa, sb])
        let so = ElementLoop.denseStrides(shape: shape, order: order)
        return unsafe Tensor.makeComputed(
          O.self, shape: shape, strides: so, dtype: result, device: a.device
        ) { out, _ in
          let loop = ElementLoop(
            shape: order.map { shape[$0] },
            strides: [order.map { so[$0] }, order.map { sa[$0] }, order.map { sb[$0] }])
          loop.forEachRow { off, n, st in
            unsafe row2(n, pa + off[1], st[1], pb + off[2], st[2], out + off[0], op)
          }
        }
      }
    }
  }

  /// One output per element of `x`, computed as `op(x)` in `C` and rounded once into `result`;
  /// the output is dense in `x`'s stride order.
  @inline(__always)
  static func unary<C: KernelScalar, O: KernelOutput>(
    _ x: Tensor, compute: C.Type, result: DType, _ op: (C) -> O
  ) -> Tensor {
    unsafe withOperand(x, C.self, broadcastTo: x.shape, rounding: nil) { px, sx in
      let order = ElementLoop.layoutOrder(shape: x.shape, strides: [sx])
      let so = ElementLoop.denseStrides(shape: x.shape, order: order)
      return unsafe Tensor.makeComputed(
        O.self, shape: x.shape, strides: so, dtype: result, device: x.device
      ) { out, _ in
        let loop = ElementLoop(
          shape: order.map { x.shape[$0] }, strides: [order.map { so[$0] }, order.map { sx[$0] }])
        loop.forEachRow { off, n, st in
          let p = unsafe px + off[1]
          let o = unsafe out + off[0]
          let s = st[1]
          if s == 1 {
            for i in 0..<n { unsafe o[i] = unsafe op(p[i]) }
          } else {
            for i in 0..<n { unsafe o[i] = unsafe op(p[i &* s]) }
          }
        }
      }
    }
  }

  /// `select(cond, a, b)` over the broadcast of three operands; `cond` is read as bytes.
  static func ternary<C: KernelScalar>(
    _ cond: Tensor, _ a: Tensor, _ b: Tensor, shape: [Int], compute: C.Type, result: DType
  ) -> Tensor {
    unsafe Tensor.makeComputed(C.self, shape: shape, dtype: result, device: a.device) { out, _ in
      unsafe cond.storage.withUnsafeBytes { craw in
        let pc = unsafe craw.start.assumingMemoryBound(to: UInt8.self) + cond.storageOffset
        let sc = Broadcast.strides(shape: cond.shape, strides: cond.strides, to: shape)
        unsafe withOperand(a, C.self, broadcastTo: shape, rounding: result) { pa, sa in
          unsafe withOperand(b, C.self, broadcastTo: shape, rounding: result) { pb, sb in
            let loop = ElementLoop(
              shape: shape, strides: [Tensor.contiguousStrides(for: shape), sc, sa, sb])
            loop.forEachRow { off, n, st in
              var ic = off[1]
              var ia = off[2]
              var ib = off[3]
              let o = unsafe out + off[0]
              for i in 0..<n {
                unsafe o[i] = unsafe pc[ic] != 0 ? pa[ia] : pb[ib]
                ic &+= st[1]
                ia &+= st[2]
                ib &+= st[3]
              }
            }
          }
        }
      }
    }
  }

  /// The inner loop of a binary kernel, with the contiguous and scalar-operand cases split out
  /// so that each is a simple counted loop.
  @inline(__always)
  static func row2<A, B, O>(
    _ n: Int, _ a: UnsafePointer<A>, _ sa: Int, _ b: UnsafePointer<B>, _ sb: Int,
    _ o: UnsafeMutablePointer<O>, _ op: (A, B) -> O
  ) {
    if sa == 1 && sb == 1 {
      for i in 0..<n { unsafe o[i] = unsafe op(a[i], b[i]) }
    } else if sb == 0 {
      let y = unsafe b[0]
      if sa == 1 {
        for i in 0..<n { unsafe o[i] = unsafe op(a[i], y) }
      } else {
        for i in 0..<n { unsafe o[i] = unsafe op(a[i &* sa], y) }
      }
    } else if sa == 0 {
      let x = unsafe a[0]
      if sb == 1 {
        for i in 0..<n { unsafe o[i] = unsafe op(x, b[i]) }
      } else {
        for i in 0..<n { unsafe o[i] = unsafe op(x, b[i &* sb]) }
      }
    } else {
      for i in 0..<n { unsafe o[i] = unsafe op(a[i &* sa], b[i &* sb]) }
    }
  }
}

/// How a result dtype is computed: the kernel type PyTorch's opmath uses for it.
enum ComputeKind {
  case float, double, int

  init(_ dtype: DType) {
    switch dtype {
    case .float64: self = .double
    case .float32, .float16, .bfloat16: self = .float
    default: self = .int
    }
  }
}
