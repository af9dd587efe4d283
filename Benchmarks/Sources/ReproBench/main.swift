import CBLASBaseline
import Foundation
import ReproTensor

// ReproBench: our matmul against a direct cblas_sgemm call, and elementwise add/mul throughput
// against memcpy bandwidth. Prints min and median of repeated runs.

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func measure(repeats: Int, _ body: () throws -> Void) rethrows -> (min: Double, median: Double) {
  try body()  // warm-up
  var times: [Double] = []
  for _ in 0..<repeats {
    let t0 = now()
    try body()
    times.append(now() - t0)
  }
  times.sort()
  return (times[0], times[times.count / 2])
}

func values(_ n: Int, seed: Float) -> [Float] {
  (0..<n).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 + seed }
}

let args = CommandLine.arguments
let threads = args.count > 1 ? Int(args[1]) ?? 1 : 1
BLAS.setThreadCount(threads)
print("OpenBLAS threads: \(BLAS.threadCount)")
print("== matmul float32 (n x n @ n x n): ours vs direct cblas_sgemm ==")
for n in [256, 1024, 2048] {
  let a = Tensor(values(n * n, seed: 0), shape: [n, n])
  let b = Tensor(values(n * n, seed: 0.25), shape: [n, n])
  let av = values(n * n, seed: 0)
  let bv = values(n * n, seed: 0.25)
  var cv = [Float](repeating: 0, count: n * n)
  let repeats = n >= 2048 ? 5 : (n >= 1024 ? 9 : 41)
  func direct() {
    av.withUnsafeBufferPointer { pa in
      bv.withUnsafeBufferPointer { pb in
        cv.withUnsafeMutableBufferPointer { pc in
          cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
            pa.baseAddress, Int32(n),
            pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
        }
      }
    }
    blackHole(cv)
  }
  // Interleave the two so that machine noise (other processes) hits both alike.
  var td: [Double] = []
  var to: [Double] = []
  direct()
  blackHole(try a.matmul(b))
  for _ in 0..<repeats {
    var t0 = now()
    direct()
    td.append(now() - t0)
    t0 = now()
    blackHole(try a.matmul(b))
    to.append(now() - t0)
  }
  td.sort()
  to.sort()
  let direct = (min: td[0], median: td[td.count / 2])
  let ours = (min: to[0], median: to[to.count / 2])
  let bt = try b.transposed(0, 1).contiguous().transposed(0, 1)  // a transposed view
  let oursT = try measure(repeats: repeats) { blackHole(try a.matmul(bt)) }
  let gflop = 2 * Double(n * n * n) / 1e9
  print(
    String(
      format:
        "n=%5d  direct min %.3f ms med %.3f ms (%.1f GFLOP/s) | ours min %.3f ms med %.3f ms | overhead min %+.2f%% med %+.2f%% | ours with transposed B min %.3f ms",
      n, direct.min * 1e3, direct.median * 1e3, gflop / direct.min, ours.min * 1e3,
      ours.median * 1e3,
      (ours.min / direct.min - 1) * 100, (ours.median / direct.median - 1) * 100, oursT.min * 1e3))
}

print("== elementwise float32, 16M elements (64 MiB per tensor) ==")
let count = 16 << 20
let x = Tensor(values(count, seed: 0), shape: [count])
let y = Tensor(values(count, seed: 0.5), shape: [count])
let src = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
let dst = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
src.initializeMemory(as: UInt8.self, repeating: 1, count: count * 4)
dst.initializeMemory(as: UInt8.self, repeating: 0, count: count * 4)
let copy = measure(repeats: 9) {
  memcpy(dst, src, count * 4)
  blackHole(dst)
}
// memcpy moves 2 × 64 MiB (read + write); add/mul move 3 × 64 MiB (2 reads + 1 write).
let bytesCopy = Double(2 * count * 4)
let bytesBinary = Double(3 * count * 4)
print(
  String(
    format: "memcpy           min %.2f ms  %.1f GB/s (median %.1f GB/s)", copy.min * 1e3,
    bytesCopy / copy.min / 1e9, bytesCopy / copy.median / 1e9))
let zeros = measure(repeats: 9) { blackHole(Tensor(zeros: [count], dtype: .float32)) }
print(
  String(
    format: "Tensor(zeros:) alloc + zero-fill of the output alone  min %.2f ms", zeros.min * 1e3))
let add = try measure(repeats: 9) { blackHole(try x + y) }
print(
  String(
    format: "add (new output) min %.2f ms  %.1f GB/s (median %.1f GB/s)", add.min * 1e3,
    bytesBinary / add.min / 1e9, bytesBinary / add.median / 1e9))
let mul = try measure(repeats: 9) { blackHole(try x * y) }
print(
  String(
    format: "mul (new output) min %.2f ms  %.1f GB/s (median %.1f GB/s)", mul.min * 1e3,
    bytesBinary / mul.min / 1e9, bytesBinary / mul.median / 1e9))
// A fresh output pays for page faults and zeroing; a preallocated loop shows the kernel alone.
let px = x.toArray(of: Float.self)
let py = y.toArray(of: Float.self)
let out = UnsafeMutablePointer<Float>.allocate(capacity: count)
out.initialize(repeating: 0, count: count)
let raw = measure(repeats: 9) {
  px.withUnsafeBufferPointer { a in
    py.withUnsafeBufferPointer { b in for i in 0..<count { out[i] = a[i] + b[i] } }
  }
  blackHole(out)
}
print(
  String(
    format: "plain loop add into preallocated output min %.2f ms  %.1f GB/s", raw.min * 1e3,
    bytesBinary / raw.min / 1e9))
let strided = try x.view([4096, 4096]).transposed(0, 1)
let addT = try measure(repeats: 5) { blackHole(try strided + strided) }
print(
  String(
    format: "add transposed (strided path) min %.2f ms  %.1f GB/s", addT.min * 1e3,
    bytesBinary / addT.min / 1e9))
// 1M elements (4 MiB): after the first free, glibc serves the output from its heap (dynamic
// mmap threshold), so page faults mostly drop out and the kernel's own throughput shows.
let small = 1 << 20
let xs = Tensor(values(small, seed: 0), shape: [small])
let ys = Tensor(values(small, seed: 0.5), shape: [small])
let addSmall = try measure(repeats: 51) { blackHole(try xs + ys) }
let copySmall = measure(repeats: 51) {
  memcpy(dst, src, small * 4)
  blackHole(dst)
}
print(
  String(
    format: "1M elements: add min %.3f ms %.1f GB/s | memcpy min %.3f ms %.1f GB/s",
    addSmall.min * 1e3, Double(3 * small * 4) / addSmall.min / 1e9, copySmall.min * 1e3,
    Double(2 * small * 4) / copySmall.min / 1e9))
