import ReproFormat
public import ReproTensor

/// Dynamic loss scaling for mixed-precision training (`torch.amp.GradScaler`).
///
/// `scale(loss)` multiplies the loss by the scale factor before the backward pass;
/// `step(optimizer)` divides the gradients by it (`unscale`), checks them for inf/NaN and runs
/// the optimizer step only when all are finite; `update()` halves the scale after a skipped step
/// and doubles it after `growthInterval` successful steps in a row. The arithmetic is PyTorch
/// 2.13's CPU kernels' (`_amp_foreach_non_finite_check_and_unscale_`, `_amp_update_scale_`):
/// the scale is a float32, gradients are multiplied by `float(1 / double(scale))`, and new scales
/// are computed in double and rounded to float32.
///
/// ```swift
/// let scaler = try GradScaler(device: "cuda")
/// let scaled = try scaler.scale(loss)       // then backward from `scaled`
/// try scaler.step(optimizer)                // skipped if a gradient is inf or NaN
/// try scaler.update()
/// ```
///
/// PyTorch disables a `GradScaler("cuda")` on a machine without CUDA (it warns and saves `{}`).
/// Repro computes `cuda`-tagged tensors on the CPU, so the scaler stays enabled for every device
/// string; pass `enabled: false` to reproduce a disabled scaler.
public final class GradScaler {
  /// Where the optimizer stands between two `update()` calls (`OptState`).
  enum Stage { case ready, unscaled, stepped }

  /// The device type given at creation (`"cuda"`, `"cpu"`).
  public let device: String
  /// Whether scaling is on; a disabled scaler passes everything through (`is_enabled()`).
  public let isEnabled: Bool
  /// The initial scale as given or as loaded (`_init_scale`), with its Python type.
  public private(set) var initScale: PythonNumber
  /// The growth factor (`_growth_factor`), with its Python type.
  public var growthFactor: PythonNumber
  /// The backoff factor (`_backoff_factor`), with its Python type.
  public var backoffFactor: PythonNumber
  /// Successful steps needed before the scale grows (`_growth_interval`).
  public var growthInterval: Int64
  /// `_init_growth_tracker`: the tracker used when the scale is created lazily.
  private var initGrowthTracker: Int64 = 0

  /// The float32 scale tensor's value (`_scale`), nil until the first `scale(_:)`.
  public private(set) var scaleTensorValue: Float?
  /// The int32 growth tracker tensor's value (`_growth_tracker`), nil until the first `scale(_:)`.
  public private(set) var growthTrackerValue: Int32?
  private var scaleDevice: Device = .cpu

  struct OptimizerRecord {
    var stage: Stage = .ready
    /// `found_inf_per_device`: one flag per device that had gradients, in first-seen order.
    var foundInf: [(device: Device, found: Bool)] = []
  }
  var records: [ObjectIdentifier: OptimizerRecord] = [:]

  /// Creates a scaler (PyTorch's defaults: `init_scale=2.**16`, `growth_factor=2.0`,
  /// `backoff_factor=0.5`, `growth_interval=2000`).
  ///
  /// - Throws: `NNError.Code.invalidArgument` when enabled with a growth factor ≤ 1 or a
  ///   backoff factor ≥ 1 (PyTorch's messages).
  public init(
    device: String = "cuda", initScale: PythonNumber = 65536.0, growthFactor: PythonNumber = 2.0,
    backoffFactor: PythonNumber = 0.5, growthInterval: Int64 = 2000, enabled: Bool = true
  ) throws(NNError) {
    self.device = device
    self.isEnabled = enabled
    if enabled {
      if growthFactor.doubleValue <= 1 {
        throw NNError(.invalidArgument, "The growth factor must be > 1.0.")
      }
      if backoffFactor.doubleValue >= 1 {
        throw NNError(.invalidArgument, "The backoff factor must be < 1.0.")
      }
    }
    self.initScale = initScale
    self.growthFactor = growthFactor
    self.backoffFactor = backoffFactor
    self.growthInterval = growthInterval
  }

  private static let fix =
    "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration."

  private func checkScale(_ function: String) throws(NNError) -> Float {
    guard let s = scaleTensorValue else {
      throw NNError(
        .invalidOrder, "Attempted \(function) but _scale is None.  " + GradScaler.fix)
    }
    return s
  }

  /// Multiplies `outputs` by the scale factor (`scale(outputs)`), creating the scale on the
  /// first call; a disabled scaler returns `outputs` unchanged.
  ///
  /// The product follows PyTorch's type promotion with a float32 0-d tensor (a float16 loss of
  /// dimension > 0 stays float16; a 0-d float16 loss becomes float32).
  ///
  /// - Throws: `NNError.Code.unsupportedDType` when the multiplication is not defined
  ///   for `outputs`' dtype.
  public func scale(_ outputs: Tensor) throws(NNError) -> Tensor {
    guard isEnabled else { return outputs }
    if scaleTensorValue == nil {
      scaleTensorValue = Float(initScale.doubleValue)
      growthTrackerValue = Int32(truncatingIfNeeded: initGrowthTracker)
      scaleDevice = outputs.device
    }
    let factor = Tensor(scalar: scaleTensorValue ?? 1).tagged(outputs.device)
    do {
      return try outputs.mul(factor)
    } catch {
      throw NNError(.unsupportedDType, "scale: \(error.message)", cause: error)
    }
  }

  /// The current scale as a Python float (`get_scale()`): the initial scale before the first
  /// `scale(_:)`, 1.0 when disabled.
  public var currentScale: Double {
    guard isEnabled else { return 1 }
    return scaleTensorValue.map(Double.init) ?? initScale.doubleValue
  }

  /// The growth tracker as a Python int (`_get_growth_tracker()`).
  public var growthTracker: Int64 {
    guard isEnabled else { return 0 }
    return growthTrackerValue.map(Int64.init) ?? initGrowthTracker
  }

  /// Divides every gradient of `optimizer` by the scale in place (`unscale_`).
  ///
  /// Records whether any gradient is inf or NaN. Optional: `step` calls it when it has not
  /// been called.
  ///
  /// - Throws: `NNError.Code.invalidOrder` before any `scale(_:)`, when called twice
  ///   before `update()` or after `step`; `.unsupportedDType` for float16 gradients
  ///   (`Attempting to unscale FP16 gradients.`) or non-float ones.
  public func unscale(_ optimizer: Optimizer) throws(NNError) {
    guard isEnabled else { return }
    let scale = try checkScale("unscale_")
    let id = ObjectIdentifier(optimizer)
    var record = records[id] ?? OptimizerRecord()
    switch record.stage {
    case .unscaled:
      throw NNError(
        .invalidOrder,
        "unscale_() has already been called on this optimizer since the last update().")
    case .stepped:
      throw NNError(.invalidOrder, "unscale_() is being called after step().")
    case .ready: break
    }
    let invScale = Float(1.0 / Double(scale))  // _scale.double().reciprocal().float()
    for group in optimizer.paramGroups {
      for p in group.parameters {
        guard let grad = p.grad else { continue }
        if grad.dtype == .float16 {
          throw NNError(.unsupportedDType, "Attempting to unscale FP16 gradients.")
        }
        let found = try GradScaler.unscaleInPlace(grad, invScale: invScale)
        if let i = record.foundInf.firstIndex(where: { $0.device == grad.device }) {
          record.foundInf[i].found = record.foundInf[i].found || found
        } else {
          record.foundInf.append((grad.device, found))
        }
      }
    }
    record.stage = .unscaled
    records[id] = record
  }

  /// Unscales the optimizer's gradients if needed and runs `optimizer.step()` unless a
  /// gradient was inf or NaN (`step(optimizer)`); a disabled scaler just steps.
  ///
  /// - Returns: whether the optimizer stepped.
  /// - Throws: `NNError.Code.invalidOrder` before any `scale(_:)`, when called twice
  ///   before `update()`, or when no parameter had a gradient; errors of `unscale` and of the
  ///   optimizer step.
  @discardableResult
  public func step(_ optimizer: Optimizer) throws(NNError) -> Bool {
    guard isEnabled else {
      try optimizer.step()
      return true
    }
    _ = try checkScale("step")
    let id = ObjectIdentifier(optimizer)
    let stage = records[id]?.stage ?? .ready
    if stage == .stepped {
      throw NNError(.invalidOrder, "step() has already been called since the last update().")
    }
    if stage == .ready { try unscale(optimizer) }
    guard let record = records[id], !record.foundInf.isEmpty else {
      throw NNError(.invalidOrder, "No inf checks were recorded for this optimizer.")
    }
    let skip = record.foundInf.contains { $0.found }
    if !skip { try optimizer.step() }
    records[id]?.stage = .stepped
    return !skip
  }

  /// Updates the scale at the end of an iteration (`update(new_scale=None)`): backoff if any
  /// optimizer saw an inf/NaN gradient, growth after `growthInterval` clean steps in a row; or
  /// sets `newScale` (rounded to float32).
  ///
  /// - Throws: `NNError.Code.invalidOrder` before any `scale(_:)`, or when no `step`/
  ///   `unscale` recorded an inf check since the last update.
  public func update(newScale: Double? = nil) throws(NNError) {
    guard isEnabled else { return }
    let scale = try checkScale("update")
    if let newScale {
      scaleTensorValue = Float(newScale)
    } else {
      let flags = records.values.flatMap { $0.foundInf.map(\.found) }
      if flags.isEmpty {
        throw NNError(.invalidOrder, "No inf checks were recorded prior to update.")
      }
      let (s, t) = GradScaler.updatedScale(
        scale, tracker: growthTrackerValue ?? 0, foundInf: flags.contains(true),
        growthFactor: growthFactor.doubleValue,
        backoffFactor: backoffFactor.doubleValue, growthInterval: growthInterval)
      scaleTensorValue = s
      growthTrackerValue = t
    }
    records = [:]
  }

  /// `load_state_dict`'s assignments: the loaded objects become the initial values, and fill
  /// the scale and tracker tensors if they exist.
  func restore(
    initScale: PythonNumber, growthFactor: PythonNumber, backoffFactor: PythonNumber,
    growthInterval: Int64, tracker: Int64
  ) {
    self.initScale = initScale
    if scaleTensorValue != nil { scaleTensorValue = Float(initScale.doubleValue) }
    self.growthFactor = growthFactor
    self.backoffFactor = backoffFactor
    self.growthInterval = growthInterval
    initGrowthTracker = tracker
    if growthTrackerValue != nil { growthTrackerValue = Int32(truncatingIfNeeded: tracker) }
  }

  /// `_amp_update_scale_` (CPU kernel): the new float32 scale and int32 tracker.
  static func updatedScale(
    _ scale: Float, tracker: Int32, foundInf: Bool, growthFactor: Double, backoffFactor: Double,
    growthInterval: Int64
  ) -> (Float, Int32) {
    if foundInf { return (Float(Double(scale) * backoffFactor), 0) }
    let successful = tracker &+ 1
    if Int64(successful) == growthInterval {
      let grown = Float(Double(scale) * growthFactor)
      return (grown.isFinite ? grown : scale, 0)
    }
    return (scale, successful)
  }

  /// `_amp_foreach_non_finite_check_and_unscale_` on one gradient: multiplies every element by
  /// `invScale` in the gradient's opmath type (float32, or float64 for float64 gradients) unless
  /// it is 1, and reports whether any element was inf or NaN.
  static func unscaleInPlace(_ grad: Tensor, invScale: Float) throws(NNError) -> Bool {
    guard grad.dtype.isFloatingPoint, grad.dtype != .complex64, grad.dtype != .complex128 else {
      throw NNError(.unsupportedDType, "cannot unscale a \(grad.dtype.pytorchName) gradient")
    }
    if grad.storage.isReadOnly {
      throw NNError(
        .invalidArgument, "gradient lives in a read-only (memory-mapped) storage; copy it first")
    }
    var found = false
    if grad.dtype == .float32 && grad.isContiguous {
      _ = unsafe try OptimizerKernels.withMutableElements(grad, as: Float.self, "gradient") { g in
        for i in g.indices {
          let v = unsafe g[i]
          if !v.isFinite { found = true }
          unsafe g[i] = invScale == 1 ? v : v * invScale
        }
      }
      return found
    }
    grad.forEachStorageIndex { i in
      let v = grad.scalar(atStorageIndex: i).doubleValue
      let out: Double
      if grad.dtype == .float64 {
        out = invScale == 1 ? v : v * Double(invScale)
      } else {
        let f = Float(v)  // float32, float16 or bfloat16 value, exact in float32
        out = Double(invScale == 1 ? f : f * invScale)
      }
      if !v.isFinite { found = true }
      grad.setScalar(.float(out), atStorageIndex: i)
    }
    return found
  }
}
