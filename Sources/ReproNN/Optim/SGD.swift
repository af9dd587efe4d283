import ReproFormat
import ReproTensor

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, weight
/// decay and maximisation (`torch.optim.SGD`).
///
/// Each step follows PyTorch 2.13's `_single_tensor_sgd` (the CPU default) op by op, in the
/// parameter's dtype (float32 or float64), and is bitwise equal to it:
///
/// ```
/// g = maximize ? -grad : grad
/// if weight_decay != 0: g = g.add(param, alpha=weight_decay)
/// if momentum != 0:
///     buf = g.clone() on the first step, else buf.mul_(momentum).add_(g, alpha=1 - dampening)
///     g = nesterov ? g.add(buf, alpha=momentum) : buf
/// param.add_(g, alpha=-lr)
/// ```
///
/// ```swift
/// let opt = try SGD(model.parameters(), lr: 0.01, momentum: 0.9)
/// // after backward:
/// try opt.step()
/// opt.zeroGrad()
/// ```
public final class SGD: Optimizer {
  /// Creates the optimizer over one group of parameters.
  ///
  /// Numbers keep their Python type in the state dict: `momentum: 0` is the int PyTorch's
  /// default is, `momentum: 0.0` a float.
  ///
  /// - Parameters:
  ///   - parameters: the parameters to optimise (`params`).
  ///   - lr: learning rate (default `1e-3`, as PyTorch 2.13).
  ///   - momentum: momentum factor (default int `0`).
  ///   - dampening: dampening of the momentum (default int `0`).
  ///   - weightDecay: L2 penalty (default int `0`).
  ///   - nesterov: Nesterov momentum (needs momentum > 0 and zero dampening).
  ///   - maximize: maximise the objective instead of minimising it.
  /// - Throws: `NNError.Code.invalidArgument` with PyTorch's message for a negative
  ///   learning rate, momentum or weight decay, Nesterov without momentum or with dampening, or
  ///   an empty parameter list.
  public convenience init(
    _ parameters: [Parameter], lr: PythonNumber = 1e-3, momentum: PythonNumber = 0,
    dampening: PythonNumber = 0,
    weightDecay: PythonNumber = 0, nesterov: Bool = false, maximize: Bool = false
  ) throws(NNError) {
    if parameters.isEmpty {
      throw NNError(.invalidArgument, "optimizer got an empty parameter list")
    }
    try self.init(
      groups: [ParamGroup(parameters)], lr: lr, momentum: momentum, dampening: dampening,
      weightDecay: weightDecay,
      nesterov: nesterov, maximize: maximize)
  }

  /// Creates the optimizer over parameter groups; each group's options override these defaults.
  ///
  /// - Throws: as `init(_:lr:momentum:dampening:weightDecay:nesterov:maximize:)`.
  public init(
    groups: [ParamGroup], lr: PythonNumber = 1e-3, momentum: PythonNumber = 0,
    dampening: PythonNumber = 0,
    weightDecay: PythonNumber = 0, nesterov: Bool = false, maximize: Bool = false
  ) throws(NNError) {
    if lr.doubleValue < 0 { throw NNError(.invalidArgument, "Invalid learning rate: \(lr)") }
    if momentum.doubleValue < 0 {
      throw NNError(.invalidArgument, "Invalid momentum value: \(momentum)")
    }
    if weightDecay.doubleValue < 0 {
      throw NNError(.invalidArgument, "Invalid weight_decay value: \(weightDecay)")
    }
    if nesterov && (momentum.doubleValue <= 0 || !dampening.isZero) {
      throw NNError(
        .invalidArgument, "Nesterov momentum requires a momentum and zero dampening")
    }
    let defaults: [(key: String, value: PickleValue)] = [
      ("lr", lr.pickleValue), ("momentum", momentum.pickleValue),
      ("dampening", dampening.pickleValue),
      ("weight_decay", weightDecay.pickleValue), ("nesterov", .bool(nesterov)),
      ("maximize", .bool(maximize)),
      ("foreach", .none), ("differentiable", .bool(false)), ("fused", .none),
    ]
    try super.init(typeName: "SGD", groups: groups, defaults: defaults)
  }

  /// SGD's `__setstate__` defaults for groups saved by older PyTorch versions, and a check of
  /// every option `step` reads.
  override public func migrateLoadedGroup(_ group: inout ParamGroup, index: Int)
    throws(NNError)
  {
    let fill: [(String, PickleValue)] = [
      ("nesterov", .bool(false)), ("maximize", .bool(false)), ("foreach", .none),
      ("differentiable", .bool(false)),
      ("fused", .bool(false)),
    ]
    for (k, v) in fill where group[k] == nil { group[k] = v }
    _ = try Hyper(group, index: index)
  }

  private struct Hyper {
    var lr, momentum, dampening, weightDecay: Double
    var nesterov, maximize: Bool
    init(_ g: ParamGroup, index: Int) throws(NNError) {
      lr = try g.number("lr", group: index)
      momentum = try g.number("momentum", group: index)
      dampening = try g.number("dampening", group: index)
      weightDecay = try g.number("weight_decay", group: index)
      nesterov = try g.flag("nesterov", group: index)
      maximize = try g.flag("maximize", group: index)
      if try g.flag("fused", group: index) {
        throw NNError(
          .unsupported,
          "param_groups[\(index)]: fused=True (the fused SGD kernel) is not supported")
      }
    }
  }

  /// One SGD step over every parameter with a gradient (`step()`).
  ///
  /// - Throws: `NNError` for a gradient whose shape or dtype differs from its parameter,
  ///   a non-float32/float64 parameter, or malformed options or state.
  override public func step() throws(NNError) {
    let hyper = { (g: ParamGroup, i: Int) throws(NNError) in try Hyper(g, index: i) }
    try forEachGradient(hyper: hyper) { (p, grad, h) throws(NNError) in
      if h.momentum == 0 {
        _ = try Self.update(p, grad: grad, buffer: nil, h)
        return
      }
      try withState(for: p) { (state: inout ParameterState) throws(NNError) in
        var buffer: Tensor?
        if let v = state["momentum_buffer"] {
          if case .none = v.unshared {
            buffer = nil
          } else if let t = v.tensor {
            try Self.checkState(t, "momentum_buffer", of: p)
            buffer = t
          } else {
            throw NNError(
              .invalidStateDict, "state \"momentum_buffer\" is \(v.typeName), expected a tensor")
          }
        }
        if let created = try Self.update(p, grad: grad, buffer: buffer, h) {
          state["momentum_buffer"] = .tensor(created)
        } else if let buffer {
          state["momentum_buffer"] = .tensor(buffer)
        }
      }
    }
  }

  static func checkGradient(_ grad: Tensor, of p: Parameter) throws(NNError) {
    if grad.shape != p.value.shape {
      throw NNError(
        .shapeMismatch,
        "gradient of shape \(Module.torchSize(grad.shape)) for a parameter of shape \(Module.torchSize(p.value.shape))"
      )
    }
    if grad.dtype != p.value.dtype {
      throw NNError(
        .unsupportedDType,
        "gradient is \(grad.dtype.pytorchName) but its parameter is \(p.value.dtype.pytorchName)")
    }
  }

  static func checkState(_ t: Tensor, _ key: String, of p: Parameter) throws(NNError) {
    if t.shape != p.value.shape || t.dtype != p.value.dtype {
      throw NNError(
        .invalidStateDict,
        "state \"\(key)\" is \(t.dtype.pytorchName) \(Module.torchSize(t.shape)), its parameter \(p.value.dtype.pytorchName) \(Module.torchSize(p.value.shape))"
      )
    }
  }

  /// Updates `p` in place; returns the momentum buffer when this step created it.
  private static func update(_ p: Parameter, grad: Tensor, buffer: Tensor?, _ h: Hyper)
    throws(NNError) -> Tensor?
  {
    switch p.value.dtype {
    case .float64: try update(Double.self, p, grad: grad, buffer: buffer, h)
    default: try update(Float.self, p, grad: grad, buffer: buffer, h)
    }
  }

  private static func update<T: OptimizerFloat>(
    _: T.Type, _ p: Parameter, grad: Tensor, buffer: Tensor?, _ h: Hyper
  ) throws(NNError) -> Tensor? {
    typealias K = OptimizerKernels
    var g = K.elements(grad, as: T.self)
    if h.maximize { for i in g.indices { g[i] = -g[i] } }
    if h.weightDecay != 0 {
      let wd = T(h.weightDecay)
      unsafe try K.withMutableElements(p.value, as: T.self, "parameter") { w in
        for i in g.indices { g[i] = unsafe K.addAlpha(g[i], w[i], wd) }
      }
    }
    var created: Tensor?
    if h.momentum != 0 {
      let mom = T(h.momentum)
      if let buffer {
        let keep = T(1 - h.dampening)
        unsafe try K.withMutableElements(buffer, as: T.self, "momentum_buffer") { b in
          for i in g.indices {
            unsafe b[i] = unsafe K.addAlpha(b[i] * mom, g[i], keep)
            g[i] = unsafe h.nesterov ? K.addAlpha(g[i], b[i], mom) : b[i]
          }
        }
      } else {
        created = K.tensor(g, like: p.value)
        if h.nesterov { for i in g.indices { g[i] = K.addAlpha(g[i], g[i], mom) } }
      }
    }
    let step = T(-h.lr)
    unsafe try K.withMutableElements(p.value, as: T.self, "parameter") { w in
      for i in g.indices { unsafe w[i] = unsafe K.addAlpha(w[i], g[i], step) }
    }
    return created
  }
}
