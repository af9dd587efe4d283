public import Foundation
public import ReproFormat
public import ReproTensor

/// One deterministic model file: what `repro generate` makes.
///
/// The recipe is PyTorch's: seed the generator (`torch.manual_seed(seed)`), build the spec
/// (`nn.Sequential(...)`, drawing initial values in construction order), cast
/// (`.half()` / `.bfloat16()` / `.double()` / `.float()`), tag the device (`.to("cuda:0")`),
/// then save either `model.state_dict()` or the whole module (`torch.save(model)`) as a torch
/// file, or the state dict as safetensors (`safetensors.torch.save_file(model.state_dict())`).
/// The torch file is byte-identical to what torch.save writes for the same model on the CPU.
///
/// ```swift
/// let generation = try ModelGeneration(spec: "Sequential(Linear(5, 7), ReLU(), Linear(7, 3))", seed: 0)
/// let model = try generation.makeModel()
/// try generation.write(model, to: URL(fileURLWithPath: "mlp.pt"))
/// ```
public struct ModelGeneration: Sendable {
  /// What is saved.
  public enum Mode: String, Sendable, CaseIterable {
    /// `model.state_dict()`: an `OrderedDict` of tensors with `_metadata`.
    case stateDict = "state-dict"
    /// The whole module (`torch.save(model)`), loadable with `torch.load(weights_only=False)`.
    case module
  }

  /// The model.
  public var spec: ModelSpec
  /// The seed given to the generator before construction.
  public var seed: UInt64
  /// The floating dtype the model is cast to.
  public var dtype: DType
  /// The device every tensor is tagged with.
  public var device: Device
  /// State dict or whole module.
  public var mode: Mode
  /// `.torch` or `.safetensors` (state dicts only).
  public var format: CheckpointFormat

  /// Describes a generation.
  ///
  /// - Parameters:
  ///   - spec: the model spec text (`mlp`, `Sequential(Linear(4, 2), ReLU())`).
  ///   - seed: the generator seed (`torch.manual_seed`).
  ///   - dtype: a floating dtype (default float32, PyTorch's default).
  ///   - device: the device tag (default `cpu`).
  ///   - mode: state dict (default) or whole module.
  ///   - format: `.torch` (default) or `.safetensors`.
  /// - Throws: `NNError`: `.invalidSpec` when the spec does not parse, `.invalidArgument` for
  ///   a non-floating dtype or a whole module requested as safetensors, `.unsupported` for a
  ///   format Repro does not write (legacy).
  public init(
    spec: String, seed: UInt64, dtype: DType = .float32, device: Device = .cpu,
    mode: Mode = .stateDict, format: CheckpointFormat = .torch
  ) throws(NNError) {
    guard dtype.isFloatingPoint, !dtype.isComplex else {
      throw NNError(
        .invalidArgument,
        "models are cast to a floating dtype (float32, float16, bfloat16, float64), not \(dtype.pytorchName)"
      )
    }
    guard format.canWrite else {
      throw NNError(
        .unsupported,
        "Repro does not write the \(format.rawValue) format; generate .torch or .safetensors")
    }
    if mode == .module && format == .safetensors {
      throw NNError(
        .invalidArgument,
        "safetensors stores named tensors only: a whole module can only be saved as a torch file (use --mode state-dict for safetensors)"
      )
    }
    self.spec = try ModelSpec(parsing: spec)
    self.seed = seed
    self.dtype = dtype
    self.device = device
    self.mode = mode
    self.format = format
  }

  /// Builds the model: seeded generator, construction, cast, device tag.
  ///
  /// - Throws: `NNError` naming the constructor and argument that is wrong.
  public func makeModel() throws(NNError) -> Module {
    let model = try ModelFactory.make(spec, generator: Generator(seed: seed))
    model.cast(to: dtype)
    if device != .cpu { model.setDeviceTag(device) }
    return model
  }

  /// The object `torch.save` would be given: the state dict or the module tree.
  ///
  /// - Throws: `NNError` `.unsupported` for a whole module without a torch.nn class.
  public func pickleValue(of model: Module) throws(NNError) -> PickleValue {
    switch mode {
    case .stateDict: model.stateDictValue()
    case .module: try model.wholeModuleValue()
    }
  }

  /// The file's bytes, in memory (`archiveName` is the zip folder of torch files, which
  /// `torch.save` takes from the file name).
  ///
  /// - Throws: `NNError` `.unsupported` for a whole module without a torch.nn class,
  ///   `FormatError` when the file cannot be encoded.
  public func serialized(_ model: Module, archiveName: String) throws -> [UInt8] {
    try Checkpoint(root: try pickleValue(of: model)).serialized(
      format: format, archiveName: archiveName)
  }

  /// Writes the file atomically (temporary file, fsync, rename): the previous file at `url`,
  /// if any, stays intact when anything fails.
  ///
  /// - Throws: `NNError` `.unsupported` for a module without a torch.nn class, `FormatError`
  ///   `.io` when the file cannot be written.
  public func write(_ model: Module, to url: URL) throws {
    try Checkpoint.write(Checkpoint(root: try pickleValue(of: model)), to: url, format: format)
  }
}
