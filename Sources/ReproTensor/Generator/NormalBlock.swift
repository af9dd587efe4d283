/// The 16-wide Box-Muller blocks of PyTorch's vectorised `normal_fill` (torch-rng.md §6.2–6.4).
///
/// A block turns 16 uniforms `d[0..<16]` into 16 normals: lane `j` (0..<8) takes its radius from
/// `d[j]` and its angle from `d[j + 8]`, and writes `out[j]` (cosine) and `out[j + 8]` (sine).
/// Blocks work in place (`out` may equal `d`).
enum NormalBlock {
  /// One float32 rounding of a fused multiply-add `a * b + c` (`_mm256_fmadd_ps`, `fmaf`).
  @inline(__always)
  static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
    c.addingProduct(a, b)
  }

  /// One float64 rounding of a fused multiply-add `a * b + c` (`std::fma`).
  @inline(__always)
  static func fma(_ a: Double, _ b: Double, _ c: Double) -> Double {
    c.addingProduct(a, b)
  }

  // Constants of avx_mathfun.h as bit patterns read from libtorch_cpu.so.
  private static let twoPi = Float(bitPattern: 0x40C9_0FDB)
  private static let sqrtHalf = Float(bitPattern: 0x3F35_04F3)
  private static let minNormal = Float(bitPattern: 0x0080_0000)
  private static let p0 = Float(bitPattern: 0x3D90_21BB)
  private static let p1 = Float(bitPattern: 0xBDEB_D1B8)
  private static let p2 = Float(bitPattern: 0x3DEF_251A)
  private static let p3 = Float(bitPattern: 0xBDFE_5D4F)
  private static let p4 = Float(bitPattern: 0x3E11_E9BF)
  private static let p5 = Float(bitPattern: 0xBE2A_AE50)
  private static let p6 = Float(bitPattern: 0x3E4C_CEAC)
  private static let p7 = Float(bitPattern: 0xBE7F_FFFC)
  private static let p8 = Float(bitPattern: 0x3EAA_AAAA)
  private static let q1 = Float(bitPattern: 0xB95E_8083)
  private static let q2 = Float(bitPattern: 0x3F31_8000)
  private static let fourOverPi = Float(bitPattern: 0x3FA2_F983)
  private static let minusDP1 = Float(bitPattern: 0xBF49_0000)
  private static let minusDP2 = Float(bitPattern: 0xB97D_A000)
  private static let minusDP3 = Float(bitPattern: 0xB322_2169)
  private static let cp0 = Float(bitPattern: 0x37CC_F5CE)
  private static let cp1 = Float(bitPattern: 0xBAB6_061A)
  private static let cp2 = Float(bitPattern: 0x3D2A_AAA5)
  private static let sp0 = Float(bitPattern: 0xB94C_A1F9)
  private static let sp1 = Float(bitPattern: 0x3C08_839E)
  private static let sp2 = Float(bitPattern: 0xBE2A_AAA3)

  /// `log256_ps` of avx_mathfun.h as GCC compiled it for 2.13 (FMAs where GCC contracted), for
  /// `x` in [2^-24, 1].
  ///
  /// Every step is one float32 rounding.
  @inline(__always)
  static func avx2Log(_ input: Float) -> Float {
    var x = max(input, minNormal)
    let bits = x.bitPattern
    var e = Float(Int32(bitPattern: bits >> 23) - 127) + 1.0
    x = Float(bitPattern: (bits & 0x807F_FFFF) | 0x3F00_0000)
    let below = x < sqrtHalf
    let t: Float = below ? x : 0
    x = x + (-1.0)
    e = e - (below ? 1.0 : 0)
    x = x + t
    let z = x * x
    var y = fma(p0, x, p1)
    y = fma(y, x, p2)
    y = fma(y, x, p3)
    y = fma(y, x, p4)
    y = fma(y, x, p5)
    y = fma(y, x, p6)
    y = fma(y, x, p7)
    y = fma(y, x, p8)
    y = y * x
    y = fma(y, z, e * q1)
    y = fma(-z, 0.5, y)
    x = x + y
    return fma(e, q2, x)
  }

  /// `sincos256_ps` of avx_mathfun.h as GCC compiled it for 2.13.
  ///
  /// Returns (sin, cos).
  @inline(__always)
  static func avx2SinCos(_ input: Float) -> (sin: Float, cos: Float) {
    var signSin = input.bitPattern & 0x8000_0000
    let ax = abs(input)
    var y = ax * fourOverPi
    let j = (Int32(y) &+ 1) & ~1  // cvttps2dq truncates; y is small here
    y = Float(j)
    signSin ^= UInt32(bitPattern: (j & 4) << 29)
    let signCos = UInt32(bitPattern: (~(j &- 2) & 4) << 29)
    let usePolyForSin = (j & 2) == 0
    var x = fma(y, minusDP1, ax)
    x = fma(minusDP2, y, x)
    x = fma(y, minusDP3, x)
    let z = x * x
    let h = z * 0.5
    var c = fma(cp0, z, cp1)
    c = fma(c, z, cp2)
    c = z * c
    c = fma(z, c, -h)
    c = c + 1.0
    var s = fma(sp0, z, sp1)
    s = fma(s, z, sp2)
    s = z * s
    s = fma(x, s, x)
    let sinPoly = usePolyForSin ? s : c
    let cosPoly = usePolyForSin ? c : s
    return (
      Float(bitPattern: sinPoly.bitPattern ^ signSin),
      Float(bitPattern: cosPoly.bitPattern ^ signCos)
    )
  }

  /// The AVX2 float32 block (`normal_fill_16_AVX2`), on every capability of x86-64 with AVX2.
  @inline(__always)
  static func avx2(
    _ d: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, mean: Float, std: Float
  ) {
    for j in 0..<8 {
      let u1 = unsafe 1.0 - d[j]
      let u2 = unsafe d[j + 8]
      let radius = (-2.0 * avx2Log(u1)).squareRoot()
      let theta = twoPi * u2
      let (s, c) = avx2SinCos(theta)
      unsafe out[j] = fma(radius * c, std, mean)
      unsafe out[j + 8] = fma(radius * s, std, mean)
    }
  }

  /// The scalar float32 block of the DEFAULT capability (`NormalFill16<float>`: glibc `logf`,
  /// `sincosf`, `fmaf`, the angle computed in double).
  @inline(__always)
  static func scalarFloat(
    _ d: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, mean: Float, std: Float
  ) {
    for j in 0..<8 {
      let u1 = unsafe 1.0 - d[j]
      let radius = (-2.0 * LibM.logf(u1)).squareRoot()
      let theta = unsafe Float(6.283185307179586 * Double(d[j + 8]))
      let s = LibM.sinf(theta)
      let c = LibM.cosf(theta)
      unsafe out[j] = fma(radius * c, std, mean)
      unsafe out[j + 8] = fma(radius * s, std, mean)
    }
  }

  /// The float64 block (`NormalFill16<double>`, the same on every capability): glibc `log`,
  /// `sincos` and `fma`.
  @inline(__always)
  static func double(
    _ d: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>, mean: Double, std: Double
  ) {
    for j in 0..<8 {
      let u1 = unsafe 1.0 - d[j]
      let radius = (-2.0 * LibM.log(u1)).squareRoot()
      let theta = unsafe 6.283185307179586 * d[j + 8]
      let s = LibM.sin(theta)
      let c = LibM.cos(theta)
      unsafe out[j] = fma(radius * c, std, mean)
      unsafe out[j + 8] = fma(radius * s, std, mean)
    }
  }
}
