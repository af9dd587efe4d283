public import ReproFormat

/// One point of the round-trip matrix: a model generated from a seed, cast to a precision,
/// tagged with a device, saved in a format and mode, reloaded through a route, run on a backend.
///
/// Its `id` lists the axes in a fixed order (`mlp/s0/float16/cuda0/torch/state_dict/mmap/blas1`),
/// which is also its JUnit test name.
public struct MatrixCase: Hashable, Sendable, CustomStringConvertible {
  /// The precision the model is saved in.
  public enum Precision: String, CaseIterable, Sendable {
    case float32, float16, bfloat16, float64
    /// float16 weights saved beside a float32 master copy (mixed-precision training's layout).
    case mixed
  }

  /// The device tag the file is written with, and how it is loaded on this CPU-only machine.
  public enum DeviceRoute: String, CaseIterable, Sendable {
    /// Saved and loaded on `cpu`.
    case cpu
    /// Saved as `cuda:0`, loaded with `map_location="cpu"`.
    case cuda0
    /// Saved as `cuda:1`, loaded with `map_location={"cuda:1": "cuda:0"}` (tags kept, remapped).
    case cuda1
  }

  /// What is saved.
  public enum SaveMode: String, CaseIterable, Sendable {
    /// `model.state_dict()`.
    case stateDict = "state_dict"
    /// The tutorial checkpoint: model, optimizer, scaler, epoch, loss and generator state.
    case checkpoint
    /// `torch.save(model)`.
    case module
  }

  /// How the file is read back.
  public enum Route: String, CaseIterable, Sendable {
    /// Read into memory, `load_state_dict(strict=True)`.
    case plain
    /// Memory-mapped (tensors borrow the file's pages).
    case mmap
    /// `load_state_dict(strict=False)` of a state dict with one extra and one missing key.
    case nonStrict = "non_strict"
    /// Saved with DataParallel's `module.` prefix, stripped on load.
    case dataParallel = "data_parallel"
    /// Saved in the case's precision, cast to float32 on load (`model.float().load_state_dict`).
    case castOnLoad = "cast_on_load"
  }

  /// The compute backend of the forward passes.
  public enum Backend: String, CaseIterable, Sendable {
    /// The plain reference kernels (the tests' oracle).
    case reference
    /// OpenBLAS with one thread.
    case blas1
    /// OpenBLAS with the machine's thread count.
    case blasN = "blasN"
  }

  /// The zoo model (`simple`, `mlp`, `cnn`, `resnet18`).
  public var model: String
  /// The seed given to the generator before construction (`torch.manual_seed`).
  public var seed: UInt64
  /// The saved precision.
  public var precision: Precision
  /// The device tag and its load route.
  public var device: DeviceRoute
  /// The file format (`torch` or `safetensors`; its raw value is the `format` axis).
  public var format: CheckpointFormat
  /// What is saved.
  public var mode: SaveMode
  /// How it is loaded.
  public var route: Route
  /// The forward backend.
  public var backend: Backend

  /// Creates a case.
  public init(
    model: String, seed: UInt64 = 0, precision: Precision = .float32, device: DeviceRoute = .cpu,
    format: CheckpointFormat = .torch, mode: SaveMode = .stateDict, route: Route = .plain,
    backend: Backend = .blas1
  ) {
    self.model = model
    self.seed = seed
    self.precision = precision
    self.device = device
    self.format = format
    self.mode = mode
    self.route = route
    self.backend = backend
  }

  /// The case's axes by name, as JUnit properties and filter keys.
  public var axes: [(name: String, value: String)] {
    [
      ("model", model), ("seed", String(seed)), ("dtype", precision.rawValue),
      ("device", device.rawValue),
      ("format", format.rawValue), ("mode", mode.rawValue), ("route", route.rawValue),
      ("backend", backend.rawValue),
    ]
  }

  /// `mlp/s0/float16/cuda0/torch/state_dict/mmap/blas1`.
  public var id: String {
    [
      model, "s\(seed)", precision.rawValue, device.rawValue, format.rawValue, mode.rawValue,
      route.rawValue, backend.rawValue,
    ]
    .joined(separator: "/")
  }

  /// The id.
  public var description: String { id }
}
