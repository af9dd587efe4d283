import Foundation
import ReproFormat
import ReproTensor

// Parses a zip file and reads every record, several ways, reporting the best of N runs.
let args = CommandLine.arguments
guard args.count >= 2 else {
  print("usage: zip-read-benchmark <file> [iterations]")
  exit(2)
}
let url = URL(fileURLWithPath: args[1])
let iterations = args.count > 2 ? Int(args[2]) ?? 10 : 10
let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func measure(_ label: String, _ body: () throws -> Int) rethrows {
  var best = Double.infinity
  var checksum = 0
  for _ in 0..<iterations {
    let t0 = DispatchTime.now().uptimeNanoseconds
    checksum &+= try body()
    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    best = min(best, dt)
  }
  let gbps = Double(size) / best / 1e9
  print(
    "\(label.padding(toLength: 52, withPad: " ", startingAt: 0)) best \(String(format: "%8.3f", best * 1000)) ms  \(String(format: "%6.2f", gbps)) GB/s  (\(checksum % 1000))"
  )
}

print("file: \(url.path), \(size) bytes, best of \(iterations)")
for mapped in [false, true] {
  let mode = mapped ? "mmap" : "read()"
  try measure("\(mode): parse only") {
    try ZipArchive.open(contentsOf: url, memoryMapped: mapped).entries.count
  }
  try measure("\(mode): parse + data(for:) copy + CRC, every record") {
    let zip = try ZipArchive.open(contentsOf: url, memoryMapped: mapped)
    var n = 0
    for e in zip.entries { n &+= try zip.data(for: e).count }
    return n
  }
  try measure("\(mode): parse + storage(for:) zero-copy + CRC") {
    let zip = try ZipArchive.open(contentsOf: url, memoryMapped: mapped)
    var n = 0
    for e in zip.entries { n &+= try zip.storage(for: e, verifyingCRC: true).byteCount }
    return n
  }
  try measure("\(mode): parse + storage(for:) zero-copy, no CRC") {
    let zip = try ZipArchive.open(contentsOf: url, memoryMapped: mapped)
    var n = 0
    for e in zip.entries {
      let s = try zip.storage(for: e)
      // touch one byte per page so the mapping is really read
      n &+= s.withUnsafeBytes { b in
        stride(from: 0, to: b.count, by: 4096).reduce(0) { $0 &+ Int(b[$1]) }
      }
    }
    return n
  }
}
