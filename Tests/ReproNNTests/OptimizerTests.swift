import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One optimizer run recorded by Scripts/make_optim_goldens.py with torch 2.13.
struct OptimCase: Decodable, Sendable, CustomTestStringConvertible {
  struct Snapshot: Decodable, Sendable {
    struct StateEntry: Decodable, Sendable {
      let index: Int
      let tensors: [(name: String, hex: String)]
      init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        index = try c.decode(Int.self)
        tensors = try c.decode([[String]].self).map { ($0[0], $0[1]) }
      }
    }
    let params: [String]
    let state: [StateEntry]
  }
  let name: String
  let optimizer: String
  let kwargs: [KeyedValue]
  let groups: [[GroupOption]]?
  let shapes: [[Int]]
  let paramSeed: Int64
  let gradSeed: Int64
  let noneGrads: [[Int]]
  let initialParams: [String]
  let steps: [Snapshot]
  let stateDictFile: String

  var testDescription: String { name }

  /// Places where Repro is not bitwise equal to torch 2.13 and why.
  ///
  /// Adam's denominator calls
  /// `torch.sqrt`, which on the torch 2.13 CPU wheel (MKL VML) is not correctly rounded: about
  /// 0.7% of float32 inputs come out 1 ULP off, depending on the value only (not on size,
  /// position or threads); Repro's square root is IEEE's. In these goldens one such denominator
  /// moves one parameter element by 1 ULP; every state tensor stays bitwise equal.
  static let knownDeviations: [String: (elements: Int, reason: String)] = [
    "adam_amsgrad step 5 param 1": (
      1, "torch.sqrt (MKL VML) 1 ULP off on max_exp_avg_sq[22] = 0x3B830BE1"
    )
  ]

  static func all() throws -> [OptimCase] {
    struct File: Decodable { let cases: [OptimCase] }
    return try TestJSON.decode(File.self, from: OptimGolden.url("optim.json")).cases
  }

  func kwarg(_ key: String) -> TypedValue? { kwargs.first { $0.key == key }?.value }

  /// The optimizer the script built, over `params`.
  func makeOptimizer(_ params: [Parameter]) throws -> Optimizer {
    let groups: [ParamGroup] =
      self.groups?.map { options in
        let indices = options.first { $0.key == "params" }?.params ?? []
        return ParamGroup(
          indices.map { params[$0] },
          options: options.compactMap { o in o.value.map { (o.key, $0.pickleValue) } })
      } ?? [ParamGroup(params)]
    let lr = kwarg("lr")?.number ?? 1e-3
    switch optimizer {
    case "SGD":
      return try SGD(
        groups: groups, lr: lr, momentum: kwarg("momentum")?.number ?? 0,
        dampening: kwarg("dampening")?.number ?? 0,
        weightDecay: kwarg("weight_decay")?.number ?? 0, nesterov: kwarg("nesterov") == .bool(true),
        maximize: kwarg("maximize") == .bool(true))
    case "Adam":
      return try Adam(
        groups: groups, lr: lr, betas: kwarg("betas")?.pair ?? (0.9, 0.999),
        eps: kwarg("eps")?.number ?? 1e-8,
        weightDecay: kwarg("weight_decay")?.number ?? 0, amsgrad: kwarg("amsgrad") == .bool(true),
        maximize: kwarg("maximize") == .bool(true))
    default:
      return try AdamW(
        groups: groups, lr: lr, betas: kwarg("betas")?.pair ?? (0.9, 0.999),
        eps: kwarg("eps")?.number ?? 1e-8,
        weightDecay: kwarg("weight_decay")?.number ?? 1e-2,
        amsgrad: kwarg("amsgrad") == .bool(true),
        maximize: kwarg("maximize") == .bool(true))
    }
  }

  /// Sets the gradients of `step` as the script does (None where listed, else the next randn).
  func setGradients(_ params: [Parameter], step: Int, from g: Generator) throws {
    for (i, p) in params.enumerated() {
      if noneGrads.contains([step, i]) {
        p.grad = nil
      } else {
        p.grad = try g.randn(shape: p.value.shape)
      }
    }
  }

  /// Compares parameters and state after a step with the snapshot; returns (bitwise tensors,
  /// compared tensors) and records a failure per mismatch with the ULP distance.
  @discardableResult
  func expectMatches(_ snap: Snapshot, _ params: [Parameter], _ opt: Optimizer, step: Int) -> (
    Int, Int
  ) {
    var equal = 0
    var total = 0
    func check(_ got: String, _ want: String, _ what: String) {
      total += 1
      let d = OptimGolden.difference(got, want)
      if d.count == 0 { equal += 1 }
      let place = "\(name) step \(step + 1) \(what)"
      if let allowed = OptimCase.knownDeviations[place] {
        #expect(
          d.count <= allowed.elements && d.maxULP <= 1,
          "\(place): \(d.count) elements differ, max \(d.maxULP) ULP")
      } else {
        #expect(
          d.count == 0, "\(place): \(d.count) elements differ from PyTorch, max \(d.maxULP) ULP")
      }
    }
    for (i, p) in params.enumerated() {
      check(OptimGolden.hex(p.value), snap.params[i], "param \(i)")
    }
    let sd = opt.stateDict()
    let state = sd["state"]?.pairs ?? []
    #expect(
      state.map { Int($0.key.int64 ?? -1) } == snap.state.map(\.index),
      "\(name) step \(step + 1): state key order")
    for entry in snap.state {
      guard let s = sd["state"]?[intKey: entry.index] else { continue }
      #expect(
        s.pairs?.compactMap(\.key.string) == entry.tensors.map(\.name),
        "\(name): state[\(entry.index)] keys")
      for (key, hex) in entry.tensors {
        guard let t = s[key]?.tensor else {
          Issue.record("\(name): state[\(entry.index)][\(key)] missing")
          continue
        }
        check(OptimGolden.hex(t), hex, "state[\(entry.index)][\(key)]")
      }
    }
    return (equal, total)
  }

  private enum CodingKeys: String, CodingKey {
    case name
    case optimizer
    case kwargs
    case groups
    case shapes
    case paramSeed = "param_seed"
    case gradSeed = "grad_seed"
    case noneGrads = "none_grads"
    case initialParams = "initial_params"
    case steps
    case stateDictFile = "state_dict_file"
  }
}

@Suite struct OptimizerTests {
  static let cases = (try? OptimCase.all()) ?? []

  @Test func goldensAreReadable() throws {
    #expect(try OptimCase.all().count == 17)
  }

  @Test(arguments: cases)
  func everyStepIsBitwiseEqualToPyTorch(golden: OptimCase) throws {
    let params = try OptimGolden.parameters(seed: golden.paramSeed, shapes: golden.shapes)
    #expect(
      params.map { OptimGolden.hex($0.value) } == golden.initialParams, "initial parameters differ"
    )
    let opt = try golden.makeOptimizer(params)
    let g = Generator(seed: UInt64(bitPattern: golden.gradSeed))
    for (step, snap) in golden.steps.enumerated() {
      try golden.setGradients(params, step: step, from: g)
      try opt.step()
      golden.expectMatches(snap, params, opt, step: step)
    }
  }

  @Test(arguments: cases)
  func stateDictFileIsByteIdenticalToTorchSave(golden: OptimCase) throws {
    let params = try OptimGolden.parameters(seed: golden.paramSeed, shapes: golden.shapes)
    let opt = try golden.makeOptimizer(params)
    let g = Generator(seed: UInt64(bitPattern: golden.gradSeed))
    for step in golden.steps.indices {
      try golden.setGradients(params, step: step, from: g)
      try opt.step()
    }
    let want = try OptimGolden.bytes(golden.stateDictFile)
    let got = try OptimGolden.serialized(opt.stateDict(), as: golden.stateDictFile)
    #expect(got.count == want.count)
    #expect(
      OptimGolden.firstDifference(got, want) == nil,
      "\(golden.stateDictFile): first differing byte")
  }

  @Test(arguments: cases)
  func loadingPyTorchsStateDictRoundTripsByteForByte(golden: OptimCase) throws {
    let file = try Checkpoint.load(contentsOf: OptimGolden.url(golden.stateDictFile))
    let params = try OptimGolden.parameters(seed: golden.paramSeed, shapes: golden.shapes)
    let opt = try golden.makeOptimizer(params)
    try opt.loadStateDict(file.root)
    let got = try OptimGolden.serialized(opt.stateDict(), as: golden.stateDictFile)
    #expect(OptimGolden.firstDifference(got, try OptimGolden.bytes(golden.stateDictFile)) == nil)
  }

  /// Steps 1-3, save the state dict to bytes, rebuild the optimizer on copies of the parameters
  /// from the reloaded file, steps 4-5: the result equals PyTorch's uninterrupted run.
  @Test(arguments: cases)
  func resumeFromSavedStateDictIsBitwiseEqualToUninterrupted(golden: OptimCase) throws {
    let params = try OptimGolden.parameters(seed: golden.paramSeed, shapes: golden.shapes)
    let opt = try golden.makeOptimizer(params)
    let g = Generator(seed: UInt64(bitPattern: golden.gradSeed))
    for step in 0..<3 {
      try golden.setGradients(params, step: step, from: g)
      try opt.step()
    }
    let saved = try Checkpoint(root: opt.stateDict()).serialized(format: .torch)
    let resumedParams = params.map { Parameter($0.value.copied()) }
    let resumed = try golden.makeOptimizer(resumedParams)
    try resumed.loadStateDict(try Checkpoint.load(file: Storage(bytes: saved)).root)
    for step in 3..<golden.steps.count {
      try golden.setGradients(resumedParams, step: step, from: g)
      try resumed.step()
    }
    golden.expectMatches(
      golden.steps[golden.steps.count - 1], resumedParams, resumed, step: golden.steps.count - 1)
  }

  @Test func unsteppedAdamStateDictIsByteIdentical() throws {
    let params = try OptimGolden.parameters(seed: 1, shapes: [[3, 5], [40], [2, 3, 4]])
    let got = try OptimGolden.serialized(try Adam(params).stateDict(), as: "adam_unstepped.pt")
    #expect(got == (try OptimGolden.bytes("adam_unstepped.pt")))
  }

  @Test func defaultBetasTupleIsSharedAcrossGroups() throws {
    let params = try OptimGolden.parameters(seed: 1, shapes: [[2], [3]])
    let opt = try Adam(groups: [ParamGroup([params[0]]), ParamGroup([params[1]])])
    let groups = try #require(opt.stateDict()["param_groups"]?.elements)
    guard case .shared(let a)? = groups[0]["betas"], case .shared(let b)? = groups[1]["betas"]
    else {
      Issue.record("betas is not a shared tuple")
      return
    }
    #expect(a === b)
  }

  @Test func zeroGradClearsOrZeroesGradients() throws {
    let params = try OptimGolden.parameters(seed: 1, shapes: [[4]])
    let opt = try SGD(params, lr: 0.1)
    params[0].grad = Tensor([Float](repeating: 3, count: 4), shape: [4])
    opt.zeroGrad(setToNone: false)
    #expect(params[0].grad?.toArray(of: Float.self) == [0, 0, 0, 0])
    opt.zeroGrad()
    #expect(params[0].grad == nil)
  }

  @Test func float64ParametersStepInDouble() throws {
    // SGD momentum on float64: fma(g, -lr, p) in double.
    let p = Parameter(Tensor([1.0, -2.0], shape: [2]))
    let opt = try SGD([p], lr: 0.1, momentum: 0.9)
    p.grad = Tensor([0.5, 0.25], shape: [2])
    try opt.step()
    let one: Double = 1
    let minusTwo: Double = -2
    #expect(
      p.value.toArray(of: Double.self) == [
        one.addingProduct(0.5, -0.1), minusTwo.addingProduct(0.25, -0.1),
      ])
  }
}
