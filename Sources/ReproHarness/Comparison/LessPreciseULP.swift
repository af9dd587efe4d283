import Foundation
import ReproTensor

/// The greatest distance in units in the last place between two real floating tensors.
///
/// It counts in the less precise of their dtypes: both sides are converted to that
/// dtype as `Tensor.to` converts them, then the distance is taken between the bit patterns
/// (sign-magnitude; `+0` and `-0` are 0 apart; a NaN against a number is skipped, two NaNs are
/// 0 apart). An fp16 copy made by `.half()` of an fp32 file is 0 ULPs from it.
///
/// float32 ↔ float16/bfloat16 and float64 ↔ float32 convert element by element inside the loop
/// (no copy); other pairs convert through `Tensor.to` first.
enum LessPreciseULP {
  /// The dtype ULPs count in: the one with fewer significand bits, the reference's on a tie;
  /// nil unless both are float64, float32, float16 or bfloat16.
  static func dtype(reference: DType, candidate: DType) -> DType? {
    func bits(_ d: DType) -> Int? {
      switch d {
      case .float64: 52
      case .float32: 23
      case .float16: 10
      case .bfloat16: 7
      default: nil
      }
    }
    guard let r = bits(reference), let c = bits(candidate) else { return nil }
    return c < r ? candidate : reference
  }

  /// The greatest ULP distance, the flat index where it first occurs (nil when every pair has
  /// a NaN on one side only, or the tensors are empty) and the dtype it counts in; nil for
  /// dtypes without one (see ``dtype(reference:candidate:)``) or different shapes.
  static func greatest(reference: Tensor, candidate: Tensor) -> (
    dtype: DType, distance: UInt64, index: Int?
  )? {
    guard reference.shape == candidate.shape,
      let u = dtype(reference: reference.dtype, candidate: candidate.dtype)
    else { return nil }
    let r = isDirect(reference.dtype, to: u) ? reference : reference.to(u)
    let c = isDirect(candidate.dtype, to: u) ? candidate : candidate.to(u)
    let n = r.count
    let layout = FloatLayout(u)
    // In chunks of both sides (mapped pages released behind the loop); the first chunk with
    // the greatest distance keeps its index, as one pass over everything would.
    var found = Greatest()
    let ra = TensorByteReader(r)
    let ca = TensorByteReader(c)
    let step = min(ra.elementsPerChunk, ca.elementsPerChunk)
    var base = 0
    while base < n {
      let m = min(step, n - base)
      let chunk = unsafe ra.withNext(elements: m) { a in
        unsafe ca.withNext(elements: m) { b in
          unsafe dispatch(a.start, r.dtype, b.start, c.dtype, to: u, count: m, layout: layout)
        }
      }
      if let i = chunk.index, found.index == nil || chunk.distance > found.distance {
        found = Greatest(distance: chunk.distance, index: base + i)
      }
      base += m
    }
    return (u, found.distance, found.index)
  }

  /// Whether the loop converts `from` to `to` itself.
  private static func isDirect(_ from: DType, to: DType) -> Bool {
    switch (from, to) {
    case (.float32, .float16), (.float32, .bfloat16), (.float64, .float32): true
    default: from == to
    }
  }

  private static func dispatch(
    _ a: UnsafeRawPointer, _ ad: DType, _ b: UnsafeRawPointer, _ bd: DType, to u: DType,
    count n: Int, layout: FloatLayout
  ) -> Greatest {
    switch u {
    case .float16:
      return ad == bd
        ? unsafe greatest(a, Same<Float16Lane>.self, b, Same<Float16Lane>.self, n, layout)
        : ad == .float32
          ? unsafe greatest(a, Float32ToFloat16.self, b, Same<Float16Lane>.self, n, layout)
          : unsafe greatest(a, Same<Float16Lane>.self, b, Float32ToFloat16.self, n, layout)
    case .bfloat16:
      return ad == bd
        ? unsafe greatest(a, Same<BFloat16Lane>.self, b, Same<BFloat16Lane>.self, n, layout)
        : ad == .float32
          ? unsafe greatest(a, Float32ToBFloat16.self, b, Same<BFloat16Lane>.self, n, layout)
          : unsafe greatest(a, Same<BFloat16Lane>.self, b, Float32ToBFloat16.self, n, layout)
    case .float32:
      return ad == bd
        ? unsafe greatest(a, Same<Float32Lane>.self, b, Same<Float32Lane>.self, n, layout)
        : ad == .float64
          ? unsafe greatest(a, Float64ToFloat32.self, b, Same<Float32Lane>.self, n, layout)
          : unsafe greatest(a, Same<Float32Lane>.self, b, Float64ToFloat32.self, n, layout)
    default:
      return unsafe greatest(a, Same<Float64Lane>.self, b, Same<Float64Lane>.self, n, layout)
    }
  }

  /// The running maximum: the greatest distance and where it first occurs.
  struct Greatest {
    var distance: UInt64 = 0
    var index: Int?
  }

  /// The loop: both sides read and converted to the common dtype's bits; once a first distance
  /// is known, blocks of equal bytes (same dtype on both sides: distance 0) are skipped.
  private static func greatest<A: ULPCast, B: ULPCast>(
    _ a: UnsafeRawPointer, _: A.Type, _ b: UnsafeRawPointer, _: B.Type, _ n: Int,
    _ layout: FloatLayout
  ) -> Greatest {
    let block = 4096
    let size = MemoryLayout<A.From.Bits>.size
    let skipsEqual = A.From.self == B.From.self
    var best = Greatest()
    var start = 0
    while start < n {
      let end = min(n, start + block)
      if skipsEqual, best.index != nil,
        unsafe memcmp(a + start * size, b + start * size, (end - start) * size) == 0
      {
        start = end
        continue
      }
      for i in start..<end {
        let x = unsafe UInt64(A.cast(A.From.bits(a, i)))
        let y = unsafe UInt64(B.cast(B.From.bits(b, i)))
        if let d = layout.ulpDistance(x, y), best.index == nil || d > best.distance {
          best = Greatest(distance: d, index: i)
        }
      }
      start = end
    }
    return best
  }
}

/// A conversion of one lane's bits to the bits of the dtype ULPs count in.
protocol ULPCast {
  associatedtype From: RealLane
  associatedtype Bits: FixedWidthInteger & UnsignedInteger
  static func cast(_ bits: From.Bits) -> Bits
}

/// No conversion.
enum Same<L: RealLane>: ULPCast {
  typealias From = L
  @inline(__always) static func cast(_ bits: L.Bits) -> L.Bits { bits }
}

/// float32 → float16 as `Tensor.to(.float16)`.
enum Float32ToFloat16: ULPCast {
  typealias From = Float32Lane
  @inline(__always) static func cast(_ bits: UInt32) -> UInt16 {
    HalfPrecision.float16Bits(from: Float(bitPattern: bits))
  }
}

/// float32 → bfloat16 as `Tensor.to(.bfloat16)`.
enum Float32ToBFloat16: ULPCast {
  typealias From = Float32Lane
  @inline(__always) static func cast(_ bits: UInt32) -> UInt16 {
    HalfPrecision.bfloat16Bits(from: Float(bitPattern: bits))
  }
}

/// float64 → float32 as `Tensor.to(.float32)`.
enum Float64ToFloat32: ULPCast {
  typealias From = Float64Lane
  @inline(__always) static func cast(_ bits: UInt64) -> UInt32 {
    Float(Double(bitPattern: bits)).bitPattern
  }
}
