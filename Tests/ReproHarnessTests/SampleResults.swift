import Foundation
import ReproFormat
import ReproHarness
import ReproTensor
import ReproTestSupport

/// Results made from real comparisons, to exercise reports before the matrix exists.
///
/// PyTorch
/// golden files from Golden/pytorch/interop are saved and reloaded by Repro (bitwise checks),
/// compared with perturbed copies (tolerance checks), loaded from a truncated copy (an error),
/// and one case is skipped for a real reason. Nothing here is a hard-coded figure.
enum SampleResults {
  struct Golden {
    var file: String
    var model: String
    var dtype: String
    var device: String
  }

  static let goldens = [
    Golden(file: "seq_mlp_fp32.pt", model: "mlp", dtype: "float32", device: "cpu"),
    Golden(file: "seq_mlp_fp16.pt", model: "mlp", dtype: "float16", device: "cpu"),
    Golden(file: "seq_mlp_bf16.pt", model: "mlp", dtype: "bfloat16", device: "cpu"),
    Golden(file: "seq_mlp_fp64.pt", model: "mlp", dtype: "float64", device: "cpu"),
    Golden(file: "seq_mlp_cuda_tagged.pt", model: "mlp", dtype: "float32", device: "cuda:0"),
    Golden(file: "seq_mlp_fp32_st.safetensors", model: "mlp", dtype: "float32", device: "cpu"),
    Golden(file: "mlp_adam_checkpoint.pt", model: "mlp-adam", dtype: "float32", device: "cpu"),
    Golden(file: "all_dtypes.pt", model: "all-dtypes", dtype: "mixed", device: "cpu"),
  ]

  static func goldenURL(_ file: String) -> URL {
    Repository.golden("pytorch/interop/\(file)")
  }

  static let environment = RunEnvironment.current(
    openBLASThreads: BLAS.threadCount, reproVersion: "test")

  /// Two shards: the round trips in the first, perturbations, the error and the skip in the
  /// second.
  static func makeShards(scratch: URL) throws -> [RunResult] {
    let start = Date()
    var first: [CaseResult] = []
    var second: [CaseResult] = []
    for g in goldens {
      let golden = try Checkpoint.load(contentsOf: goldenURL(g.file))
      let label = "Golden/pytorch/interop/\(g.file)"
      for route in ["plain", "mmap"] {
        let t0 = Date()
        let saved = scratch.appendingPathComponent(
          "\(g.model)-\(g.dtype)-\(g.device)-\(route)-\(g.file).pt")
        try Checkpoint.write(golden, to: saved, format: .torch)
        let reloaded = try Checkpoint.load(contentsOf: saved, memoryMapped: route == "mmap")
        let diff = CheckpointComparison.compare(reloaded, golden, options: .bitwise, golden: label)
        first.append(
          judged(
            id: "\(g.model)/\(g.dtype)/\(g.device)/zip/state_dict/\(route)/\(g.file)",
            model: g.model,
            axes: axes(
              g, format: "zip", mode: g.model == "mlp-adam" ? "checkpoint" : "state_dict",
              route: route),
            diff: diff, started: t0))
      }
      guard g.dtype != "mixed" else { continue }
      // Perturbed copies: one element moved by one ULP (inside every default tolerance but not
      // bitwise equal), and one element scaled by 1.5 (outside).
      for (kind, perturb) in [("one-ulp", Perturbation.nextUp), ("scaled", .scaled(1.5))] {
        let t0 = Date()
        let actual = try perturbed(golden.root, perturb)
        let diff = CheckpointComparison.compare(actual, golden.root, options: .close, golden: label)
        second.append(
          judged(
            id:
              "\(g.model)/\(g.dtype)/\(g.device)/\(g.file.hasSuffix(".safetensors") ? "safetensors" : "zip")/state_dict/\(kind)",
            model: g.model,
            axes: axes(
              g, format: g.file.hasSuffix(".safetensors") ? "safetensors" : "zip",
              mode: "state_dict", route: kind),
            diff: diff, started: t0))
      }
    }
    // A truncated golden: loading it fails with a real FormatError.
    let t0 = Date()
    let bytes = try Data(contentsOf: goldenURL("seq_mlp_fp32.pt"))
    let truncated = scratch.appendingPathComponent("truncated.pt")
    try bytes.prefix(bytes.count / 2).write(to: truncated)
    do {
      _ = try Checkpoint.load(contentsOf: truncated)
      throw TestSupportError("a truncated file loaded")
    } catch let error as FormatError {
      second.append(
        CaseResult(
          id: "mlp/float32/cpu/zip/state_dict/truncated", model: "mlp",
          axes: [
            "dtype": "float32", "device": "cpu", "format": "zip", "mode": "state_dict",
            "route": "truncated", "backend": "reference",
          ],
          status: .error, duration: Date().timeIntervalSince(t0),
          failure: CaseResult.Failure(
            message: "cannot load \(truncated.lastPathComponent)", type: "FormatError",
            details: error.description),
          startedAt: t0))
    }
    // CUDA compute is refused on a CPU-only build: the case is skipped.
    second.append(
      CaseResult(
        id: "mlp/float32/cuda:0/zip/state_dict/plain/cuda-backend", model: "mlp",
        axes: [
          "dtype": "float32", "device": "cuda:0", "format": "zip", "mode": "state_dict",
          "route": "plain", "backend": "cuda",
        ],
        status: .skip,
        failure: CaseResult.Failure(
          message: "no CUDA backend: Repro computes on the CPU", type: "Skipped"),
        startedAt: Date()))
    let end = Date()
    return [
      RunResult(
        environment: environment, cases: first, startedAt: start,
        duration: end.timeIntervalSince(start), shards: ["1/2"]),
      RunResult(
        environment: environment, cases: second, startedAt: start,
        duration: end.timeIntervalSince(start), shards: ["2/2"]),
    ]
  }

  static func axes(_ g: Golden, format: String, mode: String, route: String) -> [String: String] {
    [
      "dtype": g.dtype, "device": g.device, "format": format, "mode": mode, "route": route,
      "backend": "reference",
    ]
  }

  static func judged(
    id: String, model: String, axes: [String: String], diff: CheckpointComparison, started: Date
  ) -> CaseResult {
    var r = CaseResult.judged(
      id: id, model: model, axes: axes, tensors: diff.tensors, startedAt: started,
      finishedAt: Date())
    if !diff.passed && r.status == .pass {
      r.status = .fail
      r.failure = CaseResult.Failure(
        message: diff.message.split(separator: "\n").first.map(String.init) ?? "",
        type: "StructureMismatch", details: diff.message)
    }
    return r
  }

  enum Perturbation {
    case nextUp
    case scaled(Double)
  }

  /// A copy of a tree whose first floating-point tensor (depth first, in key order) has its
  /// element 0 changed.
  static func perturbed(_ root: PickleValue, _ p: Perturbation) throws -> PickleValue {
    var done = false
    let out = perturbing(root.unshared, p, done: &done)
    if !done { throw TestSupportError("no floating-point tensor to perturb") }
    return out
  }

  private static func perturbing(_ value: PickleValue, _ p: Perturbation, done: inout Bool)
    -> PickleValue
  {
    if done { return value }
    if let t = value.tensor, t.dtype.isFloatingPoint, t.count > 0 {
      done = true
      let copy = t.copied()
      let index = copy.storageIndex(of: [Int](repeating: 0, count: copy.rank))
      switch p {
      case .scaled(let f):
        copy.setScalar(
          .float(copy.scalar(atStorageIndex: index).doubleValue * f), atStorageIndex: index)
      case .nextUp:
        nudgeOneULP(copy, at: index)
      }
      return .tensor(copy)
    }
    switch value.unshared {
    case .dict(let pairs):
      return .dict(pairs.map { PicklePair($0.key, perturbing($0.value.unshared, p, done: &done)) })
    case .orderedDict(let pairs, let attributes):
      return .orderedDict(
        pairs.map { PicklePair($0.key, perturbing($0.value.unshared, p, done: &done)) },
        attributes: attributes)
    default:
      return value
    }
  }

  /// Adds one to the element's bit pattern (the next representable value away from zero).
  static func nudgeOneULP(_ t: Tensor, at index: Int) {
    let size = t.dtype.elementSize
    t.storage.withUnsafeMutableBytes { raw in
      switch size {
      case 2:
        let v = raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)
        raw.storeBytes(of: v &+ 1, toByteOffset: index * 2, as: UInt16.self)
      case 4:
        let v = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
        raw.storeBytes(of: v &+ 1, toByteOffset: index * 4, as: UInt32.self)
      default:
        let v = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
        raw.storeBytes(of: v &+ 1, toByteOffset: index * 8, as: UInt64.self)
      }
    }
  }

  /// Writes the shards as JSON files into `folder` and returns their URLs.
  static func writeShards(to folder: URL, scratch: URL) throws -> [URL] {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return try makeShards(scratch: scratch).enumerated().map { n, run in
      let url = folder.appendingPathComponent("results-\(n + 1).json")
      try run.write(to: url)
      return url
    }
  }
}
