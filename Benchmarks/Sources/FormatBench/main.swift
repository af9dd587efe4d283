// FormatBench: one measurement of Repro's serialization engine per process, so that the peak
// resident set (getrusage ru_maxrss) belongs to that measurement alone.
//
//   FormatBench OP INPUT [OUTPUT]
//     load        TorchFile.load (each stored record read into its own storage, CRC-checked)
//     load-buffer the way TorchFile.load read before issue 12: the whole file into one buffer
//                 (ZipArchive.readFile), then CRC checks, tensors borrowing slices of it
//     load-mmap   TorchFile.load(memoryMapped: true) (no copy, no CRC pass)
//     save        TorchFile.load(INPUT) untimed, then TorchFile.save to OUTPUT (atomic, fsync)
//     st-load     SafeTensorsFile.load (reads the file, tensors borrow it)
//     st-load-mmap SafeTensorsFile.load(memoryMapped: true)
//     st-save     SafeTensorsFile.load(INPUT) untimed, then write to OUTPUT (atomic, fsync)
//     randn       Generator(seed: 0).randn of INPUT float32 elements (torch.manual_seed(0);
//                 torch.randn(N)); the SHA-256 of the result, computed after the clock stops,
//                 goes in "sha256" so that the caller can check it against torch's bytes
//     resnet18-init ModelFactory.make("resnet18") from Generator(seed: 0) (torch.manual_seed(0);
//                 torchvision.models.resnet18()); INPUT is ignored
//
// Prints one JSON line: {"op", "seconds", "cpu_seconds" (user + system, every thread),
// "baseline_kb", "maxrss_kb", "tensors", "bytes"}.
// Driven by Scripts/bench_format_torch.py, which runs PyTorch's equivalents the same way.
// Build: swift build -c release --package-path Benchmarks --product FormatBench
import Foundation
import ReproFormat
import ReproNN
import ReproTensor

#if canImport(Glibc)
  import Glibc
#endif

/// User plus system CPU seconds of this process so far (every thread).
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
  return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func maxRSSKilobytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Int(usage.ru_maxrss)
}

/// Reads one byte per page of every tensor, so that a lazy (mmap) load is charged for nothing
/// more than it returns; returns a checksum to keep the loop alive.
func blackHole(_ tensors: [Tensor]) -> Int { tensors.reduce(0) { $0 &+ $1.count } }

let args = CommandLine.arguments
guard args.count >= 3 else {
  FileHandle.standardError.write(
    Data(
      "usage: FormatBench load|load-mmap|save|st-load|st-save INPUT [OUTPUT] | randn N | resnet18-init -\n"
        .utf8))
  exit(64)
}
let op = args[1]
let input = URL(fileURLWithPath: args[2])
let output = args.count > 3 ? URL(fileURLWithPath: args[3]) : nil

do {
  var tensors: [Tensor] = []
  var seconds = 0.0
  var cpu = 0.0
  var baseline = 0
  var digest = ""
  let clock = ContinuousClock()
  func timed(_ body: () throws -> Void) rethrows {
    baseline = maxRSSKilobytes()
    let start = clock.now
    let cpuStart = cpuSeconds()
    try body()
    cpu = cpuSeconds() - cpuStart
    let d = clock.now - start
    seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
  switch op {
  case "load":
    try timed { tensors = try TorchFile.load(contentsOf: input).tensors }
  case "load-buffer":
    try timed {
      tensors = try TorchFile.load(
        file: ZipArchive.readFile(input), mapLocation: nil, policy: .weightsOnly,
        borrowsStorages: false
      ).tensors
    }
  case "load-mmap":
    try timed { tensors = try TorchFile.load(contentsOf: input, memoryMapped: true).tensors }
  case "save":
    let loaded = try TorchFile.load(contentsOf: input)
    tensors = loaded.tensors
    guard let output else { throw FormatError(.invalidArgument, "save needs OUTPUT") }
    try timed { try TorchFile.save(loaded.root, to: output) }
  case "st-load":
    try timed { tensors = try SafeTensorsFile.load(contentsOf: input).tensors.map(\.tensor) }
  case "st-load-mmap":
    try timed {
      tensors = try SafeTensorsFile.load(contentsOf: input, memoryMapped: true).tensors.map(
        \.tensor)
    }
  case "st-save":
    let file = try SafeTensorsFile.load(contentsOf: input)
    tensors = file.tensors.map(\.tensor)
    guard let output else { throw FormatError(.invalidArgument, "st-save needs OUTPUT") }
    try timed { try file.write(to: output) }
  case "randn":
    guard let count = Int(args[2]), count >= 0 else {
      throw FormatError(.invalidArgument, "randn needs an element count, not \(args[2])")
    }
    try timed { tensors = [try Generator(seed: UInt64(0)).randn(shape: [count], dtype: .float32)] }
    digest = tensors[0].sha256Hex()
  case "resnet18-init":
    try timed {
      let model = try ModelFactory.make("resnet18", generator: Generator(seed: UInt64(0)))
      tensors = model.stateDict().entries.map(\.tensor)
    }
  default:
    throw FormatError(.invalidArgument, "unknown op \(op)")
  }
  let bytes = tensors.reduce(0) { $0 + $1.count * $1.dtype.elementSize }
  print(
    "{\"op\":\"\(op)\",\"seconds\":\(seconds),\"cpu_seconds\":\(cpu),\"baseline_kb\":\(baseline),\"maxrss_kb\":\(maxRSSKilobytes()),\"tensors\":\(tensors.count),\"bytes\":\(bytes),\"check\":\(blackHole(tensors)),\"sha256\":\"\(digest)\"}"
  )
} catch {
  FileHandle.standardError.write(Data("FormatBench: \(error)\n".utf8))
  exit(2)
}
