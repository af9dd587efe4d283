public import ReproFormat
import ReproTensor

/// Adam (`torch.optim.Adam`), with AMSGrad, L2 or decoupled weight decay and maximisation;
/// `AdamW` is this class with decoupled weight decay.
///
/// Each step follows PyTorch 2.13's `_single_tensor_adam` (the CPU default, `capturable=False`)
/// op by op in the parameter's dtype and is bitwise equal to it:
///
/// ```
/// step += 1                                    # float32 0-d tensor
/// g = maximize ? -grad : grad
/// if weight_decay != 0:
///     decoupled: param.mul_(1 - lr * weight_decay)   else: g = g.add(param, alpha=weight_decay)
/// exp_avg.lerp_(g, 1 - beta1)
/// exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
/// bias_correction1 = 1 - beta1 ** step;  bias_correction2 = 1 - beta2 ** step   # Python floats
/// step_size = lr / bias_correction1;     bias_correction2_sqrt = bias_correction2 ** 0.5
/// amsgrad: max_exp_avg_sq = maximum(max_exp_avg_sq, exp_avg_sq), used below instead of exp_avg_sq
/// denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
/// param.addcdiv_(exp_avg, denom, value=-step_size)
/// ```
///
/// ```swift
/// let opt = try Adam(model.parameters(), lr: 0.01)
/// try opt.step()
/// ```
public class Adam: Optimizer {
  /// Creates the optimizer over one group of parameters.
  ///
  /// - Parameters:
  ///   - parameters: the parameters to optimise (`params`).
  ///   - lr: learning rate (default `1e-3`).
  ///   - betas: coefficients of the running averages (default `(0.9, 0.999)`).
  ///   - eps: added to the denominator (default `1e-8`).
  ///   - weightDecay: weight decay (default int `0`).
  ///   - amsgrad: use the AMSGrad maximum of the second moment.
  ///   - maximize: maximise the objective.
  ///   - decoupledWeightDecay: AdamW's decoupled weight decay.
  /// - Throws: `NNError.Code.invalidArgument` with PyTorch's message for a negative
  ///   learning rate, epsilon or weight decay, a beta outside [0, 1), or no parameters.
  public convenience init(
    _ parameters: [Parameter], lr: PythonNumber = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: PythonNumber = 1e-8,
    weightDecay: PythonNumber = 0, amsgrad: Bool = false, maximize: Bool = false,
    decoupledWeightDecay: Bool = false
  ) throws(NNError) {
    if parameters.isEmpty {
      throw NNError(.invalidArgument, "optimizer got an empty parameter list")
    }
    try self.init(
      groups: [ParamGroup(parameters)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
      amsgrad: amsgrad,
      maximize: maximize, decoupledWeightDecay: decoupledWeightDecay)
  }

  /// Creates the optimizer over parameter groups; each group's options override these defaults.
  ///
  /// Groups that do not set `betas` share the defaults' tuple, as in PyTorch.
  ///
  /// - Throws: as `init(_:lr:betas:eps:weightDecay:amsgrad:maximize:decoupledWeightDecay:)`.
  public convenience init(
    groups: [ParamGroup], lr: PythonNumber = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: PythonNumber = 1e-8,
    weightDecay: PythonNumber = 0, amsgrad: Bool = false, maximize: Bool = false,
    decoupledWeightDecay: Bool = false
  ) throws(NNError) {
    try self.init(
      typeName: "Adam", groups: groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
      amsgrad: amsgrad,
      maximize: maximize, decoupledWeightDecay: decoupledWeightDecay)
  }

  init(
    typeName: String, groups: [ParamGroup], lr: PythonNumber, betas: (Double, Double),
    eps: PythonNumber,
    weightDecay: PythonNumber, amsgrad: Bool, maximize: Bool, decoupledWeightDecay: Bool
  ) throws(NNError) {
    if !(lr.doubleValue >= 0) {
      throw NNError(.invalidArgument, "Invalid learning rate: \(lr)")
    }
    if !(eps.doubleValue >= 0) {
      throw NNError(.invalidArgument, "Invalid epsilon value: \(eps)")
    }
    if !(0 <= betas.0 && betas.0 < 1) {
      throw NNError(.invalidArgument, "Invalid beta parameter at index 0: \(betas.0)")
    }
    if !(0 <= betas.1 && betas.1 < 1) {
      throw NNError(.invalidArgument, "Invalid beta parameter at index 1: \(betas.1)")
    }
    if !(weightDecay.doubleValue >= 0) {
      throw NNError(.invalidArgument, "Invalid weight_decay value: \(weightDecay)")
    }
    let defaults: [(key: String, value: PickleValue)] = [
      ("lr", lr.pickleValue), ("betas", Adam.betasValue(betas)), ("eps", eps.pickleValue),
      ("weight_decay", weightDecay.pickleValue), ("amsgrad", .bool(amsgrad)),
      ("maximize", .bool(maximize)),
      ("foreach", .none), ("capturable", .bool(false)), ("differentiable", .bool(false)),
      ("fused", .none),
      ("decoupled_weight_decay", .bool(decoupledWeightDecay)),
    ]
    try super.init(typeName: typeName, groups: groups, defaults: defaults)
  }

  /// A `betas` option: a tuple object of two floats (one object, shared wherever it is placed).
  public static func betasValue(_ betas: (Double, Double)) -> PickleValue {
    .shared(PickleShared(.tuple([.float(betas.0), .float(betas.1)])))
  }

  /// Adam's `__setstate__` defaults for groups saved by older PyTorch versions, and a check of
  /// every option `step` reads.
  override public func migrateLoadedGroup(_ group: inout ParamGroup, index: Int)
    throws(NNError)
  {
    let fill: [(String, PickleValue)] = [
      ("amsgrad", .bool(false)), ("maximize", .bool(false)), ("foreach", .none),
      ("capturable", .bool(false)),
      ("differentiable", .bool(false)), ("decoupled_weight_decay", .bool(false)), ("fused", .none),
    ]
    for (k, v) in fill where group[k] == nil { group[k] = v }
    _ = try Hyper(group, index: index)
  }

  /// Turns a saved number `step` (PyTorch < 1.12) into the float32 0-d tensor (`__setstate__`).
  override public func migrateLoadedState(
    _ state: inout ParameterState, parameter: Parameter, groupIndex: Int
  ) throws(NNError) {
    guard !state.entries.isEmpty else { return }
    guard let step = state["step"] else {
      throw NNError(.invalidStateDict, "an Adam state has no \"step\"")
    }
    if step.tensor == nil {
      guard let n = PythonNumber(step) else {
        throw NNError(
          .invalidStateDict, "state \"step\" is \(step.typeName), expected a tensor or a number")
      }
      state["step"] = .tensor(Tensor(scalar: Float(n.doubleValue)))
    }
  }

  struct Hyper {
    var lr, beta1, beta2, eps, weightDecay: Double
    var amsgrad, maximize, decoupled: Bool
    init(_ g: ParamGroup, index: Int) throws(NNError) {
      lr = try g.number("lr", group: index)
      (beta1, beta2) = try g.pair("betas", group: index)
      eps = try g.number("eps", group: index)
      weightDecay = try g.number("weight_decay", group: index)
      amsgrad = try g.flag("amsgrad", group: index)
      maximize = try g.flag("maximize", group: index)
      decoupled = try g.flag("decoupled_weight_decay", group: index)
      for k in ["capturable", "differentiable", "fused"] where try g.flag(k, group: index) {
        throw NNError(
          .unsupported,
          "param_groups[\(index)]: \(k)=True is not supported (only the single-tensor path)")
      }
    }
  }

  /// One Adam step over every parameter with a gradient (`step()`).
  ///
  /// - Throws: `NNError` for a gradient whose shape or dtype differs from its parameter,
  ///   a non-float32/float64 parameter, or malformed options or state.
  override public func step() throws(NNError) {
    let hyper = { (g: ParamGroup, i: Int) throws(NNError) in try Hyper(g, index: i) }
    try forEachGradient(hyper: hyper) { (p, grad, h) throws(NNError) in
      try withState(for: p) { (state: inout ParameterState) throws(NNError) in
        if state.entries.isEmpty {
          state["step"] = .tensor(Tensor(scalar: Float(0)))
          state["exp_avg"] = .tensor(
            Tensor(zeros: p.value.shape, dtype: p.value.dtype, device: p.value.device))
          state["exp_avg_sq"] = .tensor(
            Tensor(zeros: p.value.shape, dtype: p.value.dtype, device: p.value.device))
          if h.amsgrad {
            state["max_exp_avg_sq"] = .tensor(
              Tensor(zeros: p.value.shape, dtype: p.value.dtype, device: p.value.device))
          }
        }
        func tensor(_ key: String) throws(NNError) -> Tensor {
          guard let v = state[key] else {
            throw NNError(.invalidStateDict, "Adam state has no \"\(key)\"")
          }
          guard let t = v.tensor else {
            throw NNError(
              .invalidStateDict, "state \"\(key)\" is \(v.typeName), expected a tensor")
          }
          if key != "step" { try SGD.checkState(t, key, of: p) }
          return t
        }
        let stepTensor = try tensor("step")
        let steps = try Self.increment(stepTensor)
        let tensors = AdamTensors(
          param: p.value, grad: grad, expAvg: try tensor("exp_avg"),
          expAvgSq: try tensor("exp_avg_sq"),
          maxExpAvgSq: h.amsgrad ? try tensor("max_exp_avg_sq") : nil)
        switch p.value.dtype {
        case .float64: try Self.update(Double.self, tensors, step: steps, h)
        default: try Self.update(Float.self, tensors, step: steps, h)
        }
      }
    }
  }

  struct AdamTensors {
    var param, grad, expAvg, expAvgSq: Tensor
    var maxExpAvgSq: Tensor?
  }

  /// `step_t += 1` in the step tensor's own dtype; returns `step_t.item()` as a Python float.
  static func increment(_ step: Tensor) throws(NNError) -> Double {
    guard step.count == 1, step.dtype.isFloatingPoint else {
      throw NNError(
        .invalidStateDict,
        "state \"step\" is a \(step.dtype.pytorchName) tensor of shape \(Module.torchSize(step.shape)), expected a 0-d float tensor"
      )
    }
    if step.storage.isReadOnly {
      throw NNError(
        .invalidArgument, "state \"step\" lives in a read-only storage; copy it first")
    }
    let i = step.storageOffset
    let old = step.scalar(atStorageIndex: i).doubleValue
    let new: Double
    switch step.dtype {
    case .float32: new = Double(Float(old) + 1)
    case .float64: new = old + 1
    default: new = Double(Float(old) + 1)  // float16/bfloat16 compute in float32, round on store
    }
    step.setScalar(.float(new), atStorageIndex: i)
    return step.scalar(atStorageIndex: i).doubleValue
  }

  private static func update<T: OptimizerFloat>(
    _: T.Type, _ t: AdamTensors, step: Double, _ h: Hyper
  ) throws(NNError) {
    typealias K = OptimizerKernels
    var g = K.elements(t.grad, as: T.self)
    if h.maximize { for i in g.indices { g[i] = -g[i] } }
    if h.weightDecay != 0 {
      unsafe try K.withMutableElements(t.param, as: T.self, "parameter") { w in
        if h.decoupled {
          let factor = T(1 - h.lr * h.weightDecay)
          for i in w.indices { unsafe w[i] = unsafe w[i] * factor }
        } else {
          let wd = T(h.weightDecay)
          for i in g.indices { g[i] = unsafe K.addAlpha(g[i], w[i], wd) }
        }
      }
    }
    let weight1 = T(1 - h.beta1)
    let beta2 = T(h.beta2)
    let value2 = T(1 - h.beta2)
    unsafe try K.withMutableElements(t.expAvg, as: T.self, "exp_avg") { m in
      for i in g.indices { unsafe m[i] = unsafe K.lerp(m[i], g[i], weight1) }
    }
    unsafe try K.withMutableElements(t.expAvgSq, as: T.self, "exp_avg_sq") { v in
      for i in g.indices { unsafe v[i] = unsafe K.addcmul(v[i] * beta2, g[i], g[i], value2) }
    }
    // Python floats (C doubles): `beta ** step`, `x ** 0.5` are libm pow.
    let biasCorrection1 = 1 - PythonMath.pow(h.beta1, step)
    let biasCorrection2 = 1 - PythonMath.pow(h.beta2, step)
    let stepSize = h.lr / biasCorrection1
    let bc2Sqrt = T(PythonMath.pow(biasCorrection2, 0.5))
    let eps = T(h.eps)
    let value = T(-stepSize)
    var second = K.elements(t.expAvgSq, as: T.self)
    if let mx = t.maxExpAvgSq {
      unsafe try K.withMutableElements(mx, as: T.self, "max_exp_avg_sq") { m in
        for i in m.indices { unsafe m[i] = unsafe K.maximum(m[i], second[i]) }
        second = unsafe Array(m)
      }
    }
    let expAvg = K.elements(t.expAvg, as: T.self)
    unsafe try K.withMutableElements(t.param, as: T.self, "parameter") { w in
      for i in w.indices {
        let denom = second[i].squareRoot() / bc2Sqrt + eps
        unsafe w[i] = unsafe K.addcdiv(w[i], expAvg[i], denom, value)
      }
    }
  }
}

/// Decoupled-weight-decay Adam (`torch.optim.AdamW`): `Adam` with `decoupled_weight_decay`
/// always true and a default weight decay of `1e-2`.
public final class AdamW: Adam {
  /// Creates the optimizer over one group of parameters (defaults as PyTorch: `lr=1e-3`,
  /// `betas=(0.9, 0.999)`, `eps=1e-8`, `weight_decay=1e-2`).
  ///
  /// - Throws: `NNError.Code.invalidArgument` as `Adam`.
  public convenience init(
    _ parameters: [Parameter], lr: PythonNumber = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: PythonNumber = 1e-8,
    weightDecay: PythonNumber = 1e-2, amsgrad: Bool = false, maximize: Bool = false
  ) throws(NNError) {
    if parameters.isEmpty {
      throw NNError(.invalidArgument, "optimizer got an empty parameter list")
    }
    try self.init(
      groups: [ParamGroup(parameters)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
      amsgrad: amsgrad,
      maximize: maximize)
  }

  /// Creates the optimizer over parameter groups.
  ///
  /// - Throws: `NNError.Code.invalidArgument` as `Adam`.
  public init(
    groups: [ParamGroup], lr: PythonNumber = 1e-3, betas: (Double, Double) = (0.9, 0.999),
    eps: PythonNumber = 1e-8,
    weightDecay: PythonNumber = 1e-2, amsgrad: Bool = false, maximize: Bool = false
  ) throws(NNError) {
    try super.init(
      typeName: "AdamW", groups: groups, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
      amsgrad: amsgrad,
      maximize: maximize, decoupledWeightDecay: true)
  }

  /// AdamW's `__setstate__`: `decoupled_weight_decay` is forced to true.
  override public func migrateLoadedGroup(_ group: inout ParamGroup, index: Int)
    throws(NNError)
  {
    try super.migrateLoadedGroup(&group, index: index)
    group["decoupled_weight_decay"] = .bool(true)
  }
}
