public import Foundation
import ReproFormat
import ReproNN
import ReproTensor

/// Runs matrix cases: generate, forward, save, reload, and check every tensor, the forward
/// outputs before and after reload, the output against its golden, and (checkpoints) that
/// resuming training equals uninterrupted training.
public struct MatrixRunner: Sendable {
  /// Where output goldens live (suite `matrix`).
  public var golden: GoldenStore
  /// A scratch folder for the files the cases write.
  public var scratch: URL
  /// OpenBLAS threads for the `blasN` backend.
  public var threads: Int
  /// The models built so far, shared by the runner's copies (and its suite cases).
  let models = MatrixModels()
  /// The reference outputs computed so far, shared the same way.
  let outputs = OutputGoldens()

  /// Creates a runner.
  public init(golden: GoldenStore, scratch: URL, threads: Int) {
    self.golden = golden
    self.scratch = scratch
    self.threads = threads
  }

  /// The runner with another context's golden store, scratch folder and threads, sharing this
  /// runner's model and output caches.
  func with(_ context: SuiteContext) -> MatrixRunner {
    var copy = self
    copy.golden = context.golden
    copy.scratch = context.scratch
    copy.threads = context.threads
    return copy
  }

  /// Runs one case; any thrown error becomes an `error` result naming it.
  public func run(_ c: MatrixCase) -> CaseResult {
    let start = Date()
    let axes = Dictionary(c.axes.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    do {
      let checks = try execute(c)
      return CaseResult.judged(
        id: c.id, model: c.model, axes: axes, tensors: checks, startedAt: start, finishedAt: Date())
    } catch {
      return CaseResult(
        id: c.id, model: c.model, axes: axes, status: .error,
        duration: Date().timeIntervalSince(start),
        failure: .init(message: "\(error)", type: String(describing: type(of: error))),
        startedAt: start)
    }
  }

  func execute(_ c: MatrixCase) throws -> [ComparisonResult] {
    let dtype: DType =
      switch c.precision {
      case .float32: .float32
      case .float16, .mixed: .float16
      case .bfloat16: .bfloat16
      case .float64: .float64
      }
    let entry = try models.model(c.model, seed: c.seed, dtype: dtype)
    let model = entry.module
    defer { _ = try? model.loadStateDict(entry.pristine) }
    let x = try MatrixModels.input(for: c.model, seed: c.seed, dtype: dtype)
    let before = try forward(model, x, backend: c.backend)
    var checks: [ComparisonResult] = []

    // The output against its golden (recorded from the reference kernels).
    let goldenName = "\(c.model)-s\(c.seed)-\(dtype.pytorchName)"
    let reference = try outputs.reference(name: goldenName) {
      c.backend == .reference ? before : try forward(model, x, backend: .reference)
    }
    checks.append(
      try outputs.check(
        reference, actual: before, bitwise: c.backend == .reference, name: goldenName, store: golden
      ))

    // What is saved.
    let device: Device? =
      switch c.device {
      case .cpu: nil
      case .cuda0: .cuda(0)
      case .cuda1: .cuda(1)
      }
    var saved: PickleValue
    switch c.mode {
    case .stateDict:
      saved = model.stateDictValue(prefix: c.route == .dataParallel ? "module." : "")
      if c.precision == .mixed {
        let master = try models.model(c.model, seed: c.seed, dtype: .float32).module.stateDictValue(
          prefix: "master.")
        saved = try Self.merged(saved, master)
      }
      if c.route == .nonStrict { saved = try Self.withOneKeySwapped(saved) }
    case .module:
      saved = try model.wholeModuleValue()
    case .checkpoint:
      return checks
        + (try MatrixTraining.resumeChecks(c, scratch: scratch, dtype: dtype, threads: threads))
    }
    var checkpoint = Checkpoint(root: saved)
    if let device { checkpoint = checkpoint.taggingTensors(with: device) }
    if c.format == .safetensors, let tied = Self.sharedStorageKeys(model) {
      return checks + [try Self.sharedMemoryRefusal(checkpoint, keys: tied, scratch: scratch, c)]
    }

    // Write, then read back through the case's route.
    let url = scratch.appendingPathComponent(
      c.id.replacingOccurrences(of: "/", with: "_")
        + "." + c.format.fileExtension)
    defer { try? FileManager.default.removeItem(at: url) }
    try Checkpoint.write(checkpoint, to: url, format: c.format)
    let mapLocation: MapLocation? =
      switch c.device {
      case .cpu: nil
      case .cuda0: .device(.cpu)
      case .cuda1: .mapping(["cuda:1": "cuda:0"])
      }
    let loaded = try Checkpoint.load(
      contentsOf: url, mapLocation: mapLocation,
      policy: c.mode == .module ? .trusted : .weightsOnly,
      memoryMapped: c.route == .mmap)

    // Every tensor bitwise, with the device the map location gives.
    // safetensors records no device (everything loads on cpu) and orders tensors by dtype and
    // name, so the expected tree follows the file's order there.
    let expectedDevice: Device = c.device == .cuda1 && c.format != .safetensors ? .cuda(0) : .cpu
    var expected = checkpoint.taggingTensors(with: expectedDevice)
    if c.format == .safetensors {
      let byKey = Dictionary(
        try Self.pairs(expected.root, of: "the state dict saved to \(url.lastPathComponent)").map {
          (Inventory.keyString($0.key), $0)
        }, uniquingKeysWith: { a, _ in a })
      expected.root = .dict(
        try Self.pairs(loaded.root, of: "\(url.lastPathComponent) as loaded").compactMap {
          byKey[Inventory.keyString($0.key)]
        })
    }
    let tree = CheckpointComparison.compare(
      loaded.root, expected.root, options: .bitwise, golden: "the tensors saved by this case")
    checks += tree.tensors
    if !tree.passed && tree.failedTensors.isEmpty {
      throw HarnessError(.checkFailed, "\(url.lastPathComponent) as loaded: \(tree.message)")
    }

    // Load into the model (its values scrambled first, so the load must restore every one),
    // through `consume_prefix_in_state_dict_if_present(sd, "module.")` on the DataParallel route.
    let forModel =
      c.route == .dataParallel ? loaded.renamingStateDictKeys(strippingPrefix: "module.") : loaded
    let stateDict = try StateDict(Self.stateDictValue(of: forModel.root, file: url))
    if c.route == .castOnLoad {
      // `model.float().load_state_dict(sd)`: copy_ casts each value; compare with the saved
      // tensors cast by `to(float32)`, bitwise.
      let twin = try models.model(c.model, seed: c.seed, dtype: .float32)
      defer { _ = try? twin.module.loadStateDict(twin.pristine) }
      try Self.scramble(twin.module)
      try twin.module.loadStateDict(stateDict)
      let after = twin.module.stateDict()
      for e in stateDict.entries {
        guard let got = after[e.key] else { continue }
        let want = e.tensor.dtype.isFloatingPoint ? e.tensor.to(.float32) : e.tensor
        checks.append(
          TensorComparison.compare(
            got.tagged(.cpu), want.tagged(.cpu), options: .bitwise, name: e.key,
            golden: "the saved tensor cast to float32"))
      }
      return checks
    }
    try Self.scramble(model)
    let keys = try model.loadStateDict(stateDict, strict: c.route != .nonStrict)
    if c.route == .nonStrict {
      guard keys.unexpectedKeys == ["extra.weight"], keys.missingKeys.count == 1,
        let missing = keys.missingKeys.first,
        let value = entry.pristine[missing]
      else {
        throw HarnessError(
          .checkFailed,
          "\(url.lastPathComponent): load_state_dict(strict=False) reported missing \(keys.missingKeys) and unexpected \(keys.unexpectedKeys); expected one missing key and [\"extra.weight\"]"
        )
      }
      // The key left out of the file keeps the model's own value: put the original back.
      try model.loadStateDict(
        StateDict(entries: [StateDictEntry(key: missing, tensor: value)]), strict: false)
    }
    let after = try forward(model, x, backend: c.backend)
    checks.append(
      TensorComparison.compare(
        after, before, options: .bitwise, name: "forward output after reload",
        golden: "the forward output before saving"))
    return checks
  }

  func forward(_ model: Module, _ x: Tensor, backend: MatrixCase.Backend) throws -> Tensor {
    try backend.withSettings(threads: threads) { try model(x) }
  }
}
