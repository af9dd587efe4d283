import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One GradScaler run recorded by Scripts/make_optim_goldens.py with torch 2.13.
struct ScalerRun: Decodable, Sendable, CustomTestStringConvertible {
  struct Step: Decodable, Sendable {
    let loss: String
    let scaledLoss: String
    let gradsFed: [String]
    let gradsUnscaled: [String]
    let foundInf: Double
    let skipped: Bool
    let params: [String]
    let scale: String
    let growthTracker: Int
    let stateDict: [KeyedValue]

    private enum CodingKeys: String, CodingKey {
      case loss
      case scaledLoss = "scaled_loss"
      case gradsFed = "grads_fed"
      case gradsUnscaled = "grads_unscaled"
      case foundInf = "found_inf"
      case skipped
      case params
      case scale
      case growthTracker = "growth_tracker"
      case stateDict = "state_dict"
    }
  }
  struct Files: Decodable, Sendable {
    let initial: String
    let final: String
    let optimizer: String
  }
  let name: String
  let kwargs: [KeyedValue]
  let paramSeed: Int64
  let gradSeed: Int64
  let shapes: [[Int]]
  let initialParams: [String]
  let initialStateDict: [KeyedValue]
  let steps: [Step]
  let files: Files

  var testDescription: String { "scaler \(name)" }

  static func all() throws -> [ScalerRun] {
    struct File: Decodable { let runs: [ScalerRun] }
    return try TestJSON.decode(File.self, from: OptimGolden.url("scaler.json")).runs
  }

  func kwarg(_ key: String) -> TypedValue? { kwargs.first { $0.key == key }?.value }

  func makeScaler() throws -> GradScaler {
    var interval: Int64 = 2000
    if case .int(let i)? = kwarg("growth_interval") { interval = i }
    return try GradScaler(
      device: "cpu", initScale: kwarg("init_scale")?.number ?? 65536.0,
      growthFactor: kwarg("growth_factor")?.number ?? 2.0,
      backoffFactor: kwarg("backoff_factor")?.number ?? 0.5, growthInterval: interval)
  }

  func expectStateDict(_ got: PickleValue, _ want: [KeyedValue], _ context: String) {
    let pairs = got.pairs ?? []
    #expect(pairs.compactMap(\.key.string) == want.map(\.key), "\(context): keys")
    for (p, w) in zip(pairs, want) {
      #expect(w.value.matches(p.value), "\(context): \(w.key) is \(p.value), PyTorch \(w.value)")
    }
  }

  private enum CodingKeys: String, CodingKey {
    case name
    case kwargs
    case paramSeed = "param_seed"
    case gradSeed = "grad_seed"
    case shapes
    case initialParams = "initial_params"
    case initialStateDict = "initial_state_dict"
    case steps
    case files
  }
}

@Suite struct GradScalerTests {
  static let runs = (try? ScalerRun.all()) ?? []

  @Test func goldensAreReadable() throws { #expect(try ScalerRun.all().count == 3) }

  /// The whole run: scaled loss, unscaled gradients, skip decisions, parameters, scale and
  /// growth tracker after every step, the state dict's values and types, and the saved files.
  @Test(arguments: runs)
  func everyStepMatchesPyTorch(run: ScalerRun) throws {
    let params = try OptimGolden.parameters(seed: run.paramSeed, shapes: run.shapes)
    #expect(params.map { OptimGolden.hex($0.value) } == run.initialParams)
    let opt = try SGD(params, lr: 0.1, momentum: 0.9)
    let scaler = try run.makeScaler()
    run.expectStateDict(scaler.stateDict(), run.initialStateDict, "initial")
    #expect(
      try OptimGolden.serialized(scaler.stateDict(), as: run.files.initial)
        == (try OptimGolden.bytes(run.files.initial)))
    let g = Generator(seed: UInt64(bitPattern: run.gradSeed))
    for (k, want) in run.steps.enumerated() {
      let loss = try g.randn(shape: [])
      #expect(OptimGolden.hex(loss) == want.loss)
      #expect(OptimGolden.hex(try scaler.scale(loss)) == want.scaledLoss, "step \(k): scaled loss")
      for (i, p) in params.enumerated() {
        let raw = try g.randn(shape: p.value.shape)
        let scaled = try raw.mul(Tensor(scalar: try #require(scaler.scaleTensorValue)))
        let fed = OptimGolden.tensor(want.gradsFed[i], shape: p.value.shape)
        // The script injects inf/NaN into some elements; all others are randn * scale.
        let same = zip(scaled.toArray(of: Float.self), fed.toArray(of: Float.self)).filter {
          $0.0.bitPattern == $0.1.bitPattern
        }
        #expect(same.count >= fed.count - 1, "step \(k): gradient \(i) is not randn * scale")
        p.grad = fed
      }
      let stepped = try scaler.step(opt)
      #expect(stepped == !want.skipped, "step \(k): skip decision")
      #expect((want.foundInf != 0) == want.skipped)
      for (i, p) in params.enumerated() {
        #expect(
          OptimGolden.hex(try #require(p.grad)) == want.gradsUnscaled[i],
          "step \(k): unscaled gradient \(i)")
        #expect(OptimGolden.hex(p.value) == want.params[i], "step \(k): parameter \(i)")
      }
      try scaler.update()
      #expect(
        OptimGolden.hex(Tensor(scalar: try #require(scaler.scaleTensorValue))) == want.scale,
        "step \(k): scale")
      #expect(Int(scaler.growthTracker) == want.growthTracker, "step \(k): growth tracker")
      run.expectStateDict(scaler.stateDict(), want.stateDict, "step \(k)")
    }
    #expect(
      try OptimGolden.serialized(scaler.stateDict(), as: run.files.final)
        == (try OptimGolden.bytes(run.files.final)))
    #expect(
      try OptimGolden.serialized(opt.stateDict(), as: run.files.optimizer)
        == (try OptimGolden.bytes(run.files.optimizer)))
  }

  @Test(arguments: runs)
  func loadStateDictRoundTripsPyTorchsFile(run: ScalerRun) throws {
    let loaded = try Checkpoint.load(contentsOf: OptimGolden.url(run.files.final)).root
    let scaler = try GradScaler(device: "cpu")
    try scaler.loadStateDict(loaded)
    #expect(
      try OptimGolden.serialized(scaler.stateDict(), as: run.files.final)
        == (try OptimGolden.bytes(run.files.final)))
    // After loading, the next scale() starts from the loaded scale.
    _ = try scaler.scale(Tensor(scalar: Float(1)))
    #expect(scaler.currentScale == loaded["scale"]?.double)
  }

  @Test func disabledScalerSavesAnEmptyDictAndPassesThrough() throws {
    let scaler = try GradScaler(device: "cpu", enabled: false)
    #expect(
      try OptimGolden.serialized(scaler.stateDict(), as: "scaler_disabled.pt")
        == (try OptimGolden.bytes("scaler_disabled.pt")))
    let loss = Tensor(scalar: Float(2.5))
    #expect(try scaler.scale(loss).bytesEqual(loss))
    #expect(scaler.currentScale == 1)
  }

  @Test func updateRoundsTheScaleToFloat32AndStopsGrowingBeforeInfinity() {
    // float32(1000.5 * 0.3) computed in double: 300.15 rounds to 300.149993896484375.
    #expect(
      GradScaler.updatedScale(
        1000.5, tracker: 5, foundInf: true, growthFactor: 2, backoffFactor: 0.3, growthInterval: 3)
        == (Float(300.15), 0))
    #expect(
      GradScaler.updatedScale(
        .greatestFiniteMagnitude, tracker: 2, foundInf: false, growthFactor: 2, backoffFactor: 0.5,
        growthInterval: 3) == (.greatestFiniteMagnitude, 0))
    #expect(
      GradScaler.updatedScale(
        8, tracker: 0, foundInf: false, growthFactor: 2, backoffFactor: 0.5, growthInterval: 3) == (
          8, 1
        ))
  }

  @Test func callsOutOfOrderAreRefusedWithPyTorchsMessages() throws {
    let p = Parameter(Tensor([Float(1), 2], shape: [2]))
    let opt = try SGD([p], lr: 0.1)
    let scaler = try GradScaler(device: "cpu")
    #expect(throws: NNError.self) { try scaler.step(opt) }
    _ = try scaler.scale(Tensor(scalar: Float(1)))
    #expect(throws: NNError(.invalidOrder, "No inf checks were recorded for this optimizer.")) {
      try scaler.step(opt)
    }
    #expect(throws: NNError(.invalidOrder, "No inf checks were recorded prior to update.")) {
      try scaler.update()
    }
    // As in PyTorch, the failed step left the optimizer UNSCALED: start over with a new scaler.
    let second = try GradScaler(device: "cpu")
    _ = try second.scale(Tensor(scalar: Float(1)))
    try check(second, opt, p)
  }

  func check(_ scaler: GradScaler, _ opt: SGD, _ p: Parameter) throws {
    p.grad = Tensor([Float(1), 2], shape: [2])
    try scaler.unscale(opt)
    #expect(
      throws: NNError(
        .invalidOrder,
        "unscale_() has already been called on this optimizer since the last update().")
    ) {
      try scaler.unscale(opt)
    }
    try scaler.step(opt)
    #expect(
      throws: NNError(
        .invalidOrder, "step() has already been called since the last update().")
    ) { try scaler.step(opt) }
    try scaler.update()
    p.grad = Tensor(zeros: [2], dtype: .float16)
    #expect(throws: NNError(.unsupportedDType, "Attempting to unscale FP16 gradients.")) {
      try scaler.unscale(opt)
    }
    #expect(
      throws: NNError(
        .invalidStateDict,
        "The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler."
      )
    ) { try scaler.loadStateDict(.dict([])) }
    #expect(throws: NNError(.invalidArgument, "The growth factor must be > 1.0.")) {
      try GradScaler(growthFactor: 1)
    }
  }
}
