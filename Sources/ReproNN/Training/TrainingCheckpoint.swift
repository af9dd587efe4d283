public import Foundation
public import ReproFormat
public import ReproTensor

/// The checkpoint the PyTorch tutorials save and load to resume training:
/// `{"epoch", "model_state_dict", "optimizer_state_dict", "loss"}`, plus, when present,
/// `"scaler_state_dict"` (mixed precision) and `"rng_state"` (the generator's 5056-byte state as
/// a uint8 tensor, like `torch.get_rng_state()`), in that key order.
///
/// ```swift
/// let ckpt = TrainingCheckpoint(epoch: 3, model: model, optimizer: opt, loss: .float(0.43))
/// try ckpt.save(to: url)                      // byte-identical to torch.save of the same dict
/// let back = try TrainingCheckpoint.load(contentsOf: url)
/// try back.restore(model: model, optimizer: opt)
/// ```
public struct TrainingCheckpoint: Sendable {
  /// The saved loss: a Python float (`loss.item()`) or a 0-d tensor (`loss` itself; a tensor
  /// with `requiresGrad` is saved with `requires_grad=True`, as torch.save writes a non-leaf).
  public enum Loss: Sendable {
    /// A Python float.
    case float(Double)
    /// A tensor.
    case tensor(Tensor)
  }

  /// `epoch`.
  public var epoch: Int64
  /// `model_state_dict` (an `OrderedDict` with `_metadata`).
  public var modelStateDict: PickleValue
  /// `optimizer_state_dict`.
  public var optimizerStateDict: PickleValue
  /// `loss`.
  public var loss: Loss
  /// `scaler_state_dict`, if saved.
  public var scalerStateDict: PickleValue?
  /// `rng_state`: the generator state bytes (`torch.get_rng_state()`), if saved.
  public var rngState: [UInt8]?
  /// Any other keys of a loaded checkpoint, in order after the known ones.
  public var extra: [PicklePair]

  /// Creates a checkpoint from values.
  public init(
    epoch: Int64, modelStateDict: PickleValue, optimizerStateDict: PickleValue, loss: Loss,
    scalerStateDict: PickleValue? = nil, rngState: [UInt8]? = nil, extra: [PicklePair] = []
  ) {
    self.epoch = epoch
    self.modelStateDict = modelStateDict
    self.optimizerStateDict = optimizerStateDict
    self.loss = loss
    self.scalerStateDict = scalerStateDict
    self.rngState = rngState
    self.extra = extra
  }

  /// Captures the current state of a training run (the state tensors are the live ones, as in
  /// PyTorch: save before stepping again).
  ///
  /// - Parameters:
  ///   - epoch: the epoch number.
  ///   - model: its `state_dict()` is saved.
  ///   - optimizer: its `state_dict()` is saved.
  ///   - loss: the loss to save.
  ///   - scaler: a GradScaler whose `state_dict()` is saved as `scaler_state_dict`.
  ///   - generator: a generator whose state is saved as `rng_state`.
  public init(
    epoch: Int64, model: Module, optimizer: Optimizer, loss: Loss, scaler: GradScaler? = nil,
    generator: Generator? = nil
  ) {
    self.init(
      epoch: epoch, modelStateDict: model.stateDictValue(),
      optimizerStateDict: optimizer.stateDict(), loss: loss,
      scalerStateDict: scaler?.stateDict(), rngState: generator?.stateBytes())
  }

  /// The dict torch.save writes, keys in the tutorial's order.
  public var pickleValue: PickleValue {
    var pairs = [
      PicklePair(.string("epoch"), .int(epoch)),
      PicklePair(.string("model_state_dict"), modelStateDict),
      PicklePair(.string("optimizer_state_dict"), optimizerStateDict),
    ]
    switch loss {
    case .float(let d): pairs.append(PicklePair(.string("loss"), .float(d)))
    case .tensor(let t): pairs.append(PicklePair(.string("loss"), .tensor(t)))
    }
    if let scalerStateDict {
      pairs.append(PicklePair(.string("scaler_state_dict"), scalerStateDict))
    }
    if let rngState {
      pairs.append(
        PicklePair(.string("rng_state"), .tensor(Tensor(rngState, shape: [rngState.count]))))
    }
    return .dict(pairs + extra)
  }

  /// Reads a checkpoint from a loaded value.
  ///
  /// - Throws: `NNError.Code.invalidStateDict` naming a missing key or a value of the
  ///   wrong type.
  public init(_ value: PickleValue) throws(NNError) {
    guard let pairs = value.pairs else {
      throw NNError(.invalidStateDict, "checkpoint is \(value.typeName), expected a dict")
    }
    func required(_ key: String) throws(NNError) -> PickleValue {
      try value.required(key, in: "checkpoint")
    }
    guard let epoch = try required("epoch").int64 else {
      throw NNError(
        .invalidStateDict,
        "checkpoint \"epoch\" is \(try required("epoch").typeName), expected an int")
    }
    let lossValue = try required("loss")
    let loss: Loss
    if let t = lossValue.tensor {
      loss = .tensor(t)
    } else if let n = PythonNumber(lossValue) {
      loss = .float(n.doubleValue)
    } else {
      throw NNError(
        .invalidStateDict,
        "checkpoint \"loss\" is \(lossValue.typeName), expected a float or a tensor")
    }
    var rng: [UInt8]?
    if let r = value["rng_state"] {
      guard let t = r.tensor, t.dtype == .uint8 else {
        throw NNError(
          .invalidStateDict, "checkpoint \"rng_state\" is \(r.typeName), expected a uint8 tensor")
      }
      rng = t.contiguousBytes()
    }
    let known: Set = [
      "epoch", "model_state_dict", "optimizer_state_dict", "loss", "scaler_state_dict", "rng_state",
    ]
    self.init(
      epoch: epoch, modelStateDict: try required("model_state_dict"),
      optimizerStateDict: try required("optimizer_state_dict"),
      loss: loss, scalerStateDict: value["scaler_state_dict"], rngState: rng,
      extra: pairs.filter { !known.contains($0.key.string ?? "") })
  }

  /// The bytes `torch.save(checkpoint, f)` writes for a file named like `archiveName`.
  ///
  /// - Throws: `FormatError` for values torch.save cannot write.
  public func serialized(archiveName: String = "archive") throws(FormatError) -> [UInt8] {
    try Checkpoint(root: pickleValue).serialized(format: .torch, archiveName: archiveName)
  }

  /// Saves the checkpoint as `torch.save(checkpoint, path)` does (archive folder named after
  /// the file), atomically: a crash leaves the old file or the complete new one.
  ///
  /// - Throws: `FormatError` (`.invalidArgument` or `.io`).
  public func save(to url: URL) throws {
    try Checkpoint.write(Checkpoint(root: pickleValue), to: url, format: .torch)
  }

  /// Loads a checkpoint file written by `save(to:)` or by torch.save.
  ///
  /// - Throws: `FormatError` when the file cannot be read, `NNError` when it is not a
  ///   tutorial checkpoint.
  public static func load(contentsOf url: URL) throws -> TrainingCheckpoint {
    try TrainingCheckpoint(try Checkpoint.load(contentsOf: url).root)
  }

  /// Restores a training run from the checkpoint: the model's weights, the optimizer's state,
  /// and when given and present the scaler's state and the generator's state.
  ///
  /// - Throws: `NNError`: `.stateDictMismatch` or `.invalidStateDict` (model, optimizer,
  ///   scaler, a scaler or generator asked for but not saved, a malformed generator state, with
  ///   ReproTensor's `TensorError` as `cause`).
  public func restore(
    model: Module, optimizer: Optimizer, scaler: GradScaler? = nil, generator: Generator? = nil
  ) throws(NNError) {
    try model.loadStateDict(from: modelStateDict)
    try optimizer.loadStateDict(optimizerStateDict)
    if let scaler {
      guard let s = scalerStateDict else {
        throw NNError(.invalidStateDict, "checkpoint has no \"scaler_state_dict\" key")
      }
      try scaler.loadStateDict(s)
    }
    if let generator {
      guard let r = rngState else {
        throw NNError(.invalidStateDict, "checkpoint has no \"rng_state\" key")
      }
      do {
        try generator.setState(r)
      } catch {
        throw NNError(.invalidStateDict, "checkpoint \"rng_state\": \(error.message)", cause: error)
      }
    }
  }
}
