import Foundation
import ReproFormat
import ReproTensor
import Testing

@testable import ReproNN

@Suite struct OptimizerErrorTests {
  func params() throws -> [Parameter] {
    try OptimGolden.parameters(seed: 3, shapes: [[2, 2], [3]])
  }

  @Test func constructorsRefuseWhatPyTorchRefuses() throws {
    let p = try params()
    #expect(throws: NNError(.invalidArgument, "Invalid learning rate: -0.1")) {
      try SGD(p, lr: -0.1)
    }
    #expect(
      throws: NNError(
        .invalidArgument, "Nesterov momentum requires a momentum and zero dampening")
    ) {
      try SGD(p, lr: 0.1, nesterov: true)
    }
    #expect(throws: NNError(.invalidArgument, "Invalid beta parameter at index 1: 1.0")) {
      try Adam(p, betas: (0.9, 1.0))
    }
    #expect(throws: NNError(.invalidArgument, "optimizer got an empty parameter list")) {
      try AdamW([])
    }
    #expect(
      throws: NNError(
        .invalidArgument, "some parameters appear in more than one parameter group")
    ) {
      try Adam(groups: [ParamGroup(p), ParamGroup([p[0]])])
    }
  }

  @Test func stepRefusesAGradientOfTheWrongShapeOrDType() throws {
    let p = try params()
    let opt = try Adam(p)
    p[0].grad = Tensor(zeros: [4], dtype: .float32)
    #expect(
      throws: NNError(
        .shapeMismatch,
        "gradient of shape torch.Size([4]) for a parameter of shape torch.Size([2, 2])")
    ) {
      try opt.step()
    }
    p[0].grad = Tensor(zeros: [2, 2], dtype: .float64)
    #expect(
      throws: NNError(.unsupportedDType, "gradient is float64 but its parameter is float32")
    ) { try opt.step() }
    let q = Parameter(Tensor(zeros: [2], dtype: .int64))
    q.grad = Tensor(zeros: [2], dtype: .int64)
    #expect(throws: NNError.self) { try SGD([q], lr: 0.1).step() }
  }

  @Test func loadStateDictNamesTheProblem() throws {
    let opt = try Adam(try params())
    #expect(
      throws: NNError(.invalidStateDict, "optimizer state dict has no \"param_groups\" key")
    ) {
      try opt.loadStateDict(.dict([PicklePair(.string("state"), .dict([]))]))
    }
    #expect(
      throws: NNError(
        .invalidStateDict, "loaded state dict has a different number of parameter groups")
    ) {
      try opt.loadStateDict(
        .dict([
          PicklePair(.string("state"), .dict([])), PicklePair(.string("param_groups"), .list([])),
        ]))
    }
    var sd = try Adam(try params()).stateDict()
    func replacingGroup(_ sd: PickleValue, _ key: String, _ value: PickleValue) -> PickleValue {
      guard case .dict(var top) = sd, case .list(var groups) = top[1].value.unshared,
        case .dict(var g) = groups[0]
      else { return sd }
      g = g.map { $0.key.string == key ? PicklePair($0.key, value) : $0 }
      groups[0] = .dict(g)
      top[1] = PicklePair(top[1].key, .list(groups))
      return .dict(top)
    }
    sd = replacingGroup(sd, "betas", .string("x"))
    #expect(
      throws: NNError(
        .invalidStateDict, "param_groups[0][\"betas\"] is str, expected a tuple of 2 floats")
    ) {
      try opt.loadStateDict(sd)
    }
    let short = replacingGroup(try Adam(try params()).stateDict(), "params", .list([.int(0)]))
    #expect(
      throws: NNError(
        .invalidStateDict,
        "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
      )
    ) { try opt.loadStateDict(short) }
    // Nothing was modified by the failed loads.
    #expect(opt.paramGroups[0]["betas"]?.elements?.count == 2)
  }

  @Test func loadStateDictRefusesAStateTensorOfTheWrongShape() throws {
    let p = try params()
    let opt = try SGD(p, lr: 0.1, momentum: 0.9)
    let bad = PickleValue.dict([
      PicklePair(
        .string("state"),
        .dict([
          PicklePair(
            .int(1),
            .dict([
              PicklePair(.string("momentum_buffer"), .tensor(Tensor(zeros: [5], dtype: .float32)))
            ]))
        ])),
      PicklePair(.string("param_groups"), opt.stateDict()["param_groups"] ?? .none),
    ])
    #expect(
      throws: NNError(
        .shapeMismatch,
        "state[1][\"momentum_buffer\"] has shape torch.Size([5]), its parameter torch.Size([3])")
    ) {
      try opt.loadStateDict(bad)
    }
  }
}
