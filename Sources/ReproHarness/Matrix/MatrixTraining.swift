import Foundation
import ReproFormat
import ReproNN
import ReproTensor

/// The checkpoint cases: train, save the tutorial checkpoint (model, optimizer, scaler, epoch,
/// loss, generator state), reload it into a fresh model and optimizer, train on, and require the
/// result to equal uninterrupted training bit for bit.
enum MatrixTraining {
  /// One run of the loop: SGD with momentum on `((model(x) - y) ** 2).mean()`, with the data
  /// drawn from `data`, under autocast and a GradScaler for the reduced precisions.
  struct Run {
    let model: Module
    let optimizer: SGD
    let scaler: GradScaler?
    let data: Generator
    let autocast: DType?
    let trainDType: DType
    let inputShape: [Int]
    let outputShape: [Int]

    func step() throws -> Double {
      let x = try data.randn(shape: inputShape).to(trainDType)
      let y = try data.randn(shape: outputShape).to(trainDType)
      return try TrainingStep.mse(
        model: model, optimizer: optimizer, scaler: scaler, autocast: autocast, x: x, y: y)
    }
  }

  static func makeRun(_ c: MatrixCase, dtype: DType) throws -> Run {
    let trainDType: DType = dtype == .float64 ? .float64 : .float32
    let autocast: DType? = dtype == .float16 || dtype == .bfloat16 ? dtype : nil
    let model = try ModelFactory.make(c.model, generator: Generator(seed: c.seed))
    if trainDType != .float32 { model.cast(to: trainDType) }
    model.train()
    let x = try MatrixModels.input(for: c.model, seed: c.seed, dtype: trainDType)
    let outputShape = try ComputeBackend.$current.withValue(.blas) { try model(x).shape }
    let optimizer = try SGD(model.parameters(), lr: 0.01, momentum: 0.9)
    let scaler = dtype == .float16 ? try GradScaler(device: "cpu", initScale: 1024.0) : nil
    return Run(
      model: model, optimizer: optimizer, scaler: scaler, data: Generator(seed: 20_000 + c.seed),
      autocast: autocast, trainDType: trainDType, inputShape: x.shape, outputShape: outputShape)
  }

  /// Trains with and without an interruption under the case's backend (`threads` OpenBLAS
  /// threads for `blasN`, as the runner's forward passes) and compares the results bitwise.
  static func resumeChecks(_ c: MatrixCase, scratch: URL, dtype: DType, threads: Int) throws
    -> [ComparisonResult]
  {
    try c.backend.withSettings(threads: threads) { try resume(c, scratch: scratch, dtype: dtype) }
  }

  static func resume(_ c: MatrixCase, scratch: URL, dtype: DType) throws -> [ComparisonResult] {
    // Uninterrupted: three steps.
    let straight = try makeRun(c, dtype: dtype)
    for _ in 0..<3 { _ = try straight.step() }

    // Interrupted: two steps, checkpoint, reload into a fresh run, one more step.
    let first = try makeRun(c, dtype: dtype)
    var loss = 0.0
    for _ in 0..<2 { loss = try first.step() }
    var saved = TrainingCheckpoint(
      epoch: 2, model: first.model, optimizer: first.optimizer, loss: .float(loss),
      scaler: first.scaler,
      generator: first.data
    ).pickleValue
    if c.device != .cpu {
      saved =
        Checkpoint(root: saved).taggingTensors(
          with: c.device == .cuda0 ? .cuda(0) : .cuda(1)
        ).root
    }
    let url = scratch.appendingPathComponent(c.id.replacingOccurrences(of: "/", with: "_") + ".pt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Checkpoint.write(Checkpoint(root: saved), to: url, format: .torch)
    let mapLocation: MapLocation? = c.device == .cpu ? nil : .device(.cpu)
    let loaded = try Checkpoint.load(
      contentsOf: url, mapLocation: mapLocation, memoryMapped: c.route == .mmap)
    let second = try makeRun(c, dtype: dtype)
    // The fresh run's own data generator is replaced by the checkpoint's state.
    try TrainingCheckpoint(loaded.root).restore(
      model: second.model, optimizer: second.optimizer, scaler: second.scaler,
      generator: second.data)
    _ = try second.step()

    var checks: [ComparisonResult] = []
    let a = straight.model.stateDict()
    let b = second.model.stateDict()
    for e in a.entries {
      guard let got = b[e.key] else { continue }
      checks.append(
        TensorComparison.compare(
          got, e.tensor, options: .bitwise, name: e.key, golden: "uninterrupted training (3 steps)")
      )
    }
    for (p, q) in zip(straight.model.parameters(), second.model.parameters()) {
      guard let ma = straight.optimizer.state(for: p)?["momentum_buffer"]?.tensor,
        let mb = second.optimizer.state(for: q)?["momentum_buffer"]?.tensor
      else { continue }
      checks.append(
        TensorComparison.compare(
          mb, ma, options: .bitwise, name: "momentum_buffer",
          golden: "uninterrupted training (3 steps)"))
    }
    return checks
  }
}
