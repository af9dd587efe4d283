public import Foundation
public import ReproFormat
public import ReproTensor

/// The user's own checkpoint through Repro's save/reload matrix: a suite's `[[roundtrip]]` entry.
///
/// The check expands into one ``SuiteCase`` per format × dtype × device × route. Each case loads
/// the input (`Checkpoint.load` with ``policy`` and ``mapLocation``), casts its floating tensors
/// to the case's dtype (`tensor.to(dtype)`, bit for bit as PyTorch), tags every tensor with the
/// case's device, writes the result in the case's format, reloads it through the case's route
/// and compares:
///
/// - what was reloaded with what was written, bitwise: every tensor (dtype, shape, stride,
///   device after `map_location`, bytes) and every non-tensor value (epoch, loss, key order);
/// - for a cast, what was reloaded with the original within `torch.testing.assert_close`'s
///   tolerance (`check_dtype=False`: the default rtol/atol of the less precise dtype, or
///   ``tolerance``).
///
/// A same-dtype trip is therefore bitwise, and a cast is as close as PyTorch's own
/// `assert_close(x.to(dtype), x, check_dtype=False)` says it is (a float32 value above 65504
/// becomes `inf` in float16 and fails, naming the key).
///
/// safetensors and the sharded formats hold one flat name → tensor dict. A nested checkpoint
/// (`{"model_state_dict": ..., "optimizer_state_dict": ..., "epoch": 3}`) is written there as its
/// state dicts flattened (`model_state_dict.0.weight`), or skipped with the reason when it holds
/// no state dict. The case's `axes["flattened"]` says what was left out.
///
/// ```swift
/// let check = RoundTripCheck(
///   checkpoint: URL(fileURLWithPath: "checkpoint.pt"),
///   formats: [.torch, .safetensors], dtypes: [.float32, .float16],
///   devices: [.cpu, .cuda(0)], routes: [.plain, .mmap])
/// let results = check.cases().map { $0.run(in: context) }
/// // ids: roundtrip/checkpoint.pt/safetensors/float16/cuda:0/mmap, ...
/// ```
public struct RoundTripCheck: Sendable {
  /// How a written file is read back.
  public enum Route: String, Sendable, Hashable, CaseIterable {
    /// Read into memory.
    case plain
    /// Memory-mapped: tensors borrow the file's pages (`torch.load(mmap=True)`).
    case mmap
    /// Written with the first key of its (first) state dict left out and an extra key added, as
    /// `load_state_dict(strict=False)` meets them: the reload must report exactly that missing
    /// key and that unexpected key, every other value bitwise.
    case nonStrict = "non_strict"
    /// Written with DataParallel's `module.` prefix on every state-dict key, stripped on reload
    /// (`consume_prefix_in_state_dict_if_present(sd, "module.")`).
    case dataParallel = "data_parallel"
  }

  /// The check's name: the second part of every case id (default: the file's name).
  public var name: String
  /// The checkpoint file (or sharded/DCP folder) under test.
  public var checkpoint: URL
  /// The formats it is written in (each must be writable, ``CheckpointFormat/canWrite``).
  public var formats: [CheckpointFormat]
  /// The dtypes its floating tensors are cast to; empty keeps the file's dtypes (one case per
  /// format, device and route, dtype axis `as_saved`).
  public var dtypes: [DType]
  /// The device tags written; a tag other than `cpu` is reloaded with `map_location="cpu"`.
  public var devices: [Device]
  /// The ways the written file is read back.
  public var routes: [Route]
  /// How the input is read (`.trusted` for a whole-model file).
  public var policy: LoadPolicy
  /// Where the input's storages go when it is read (`map_location`); nil keeps its tags.
  public var mapLocation: MapLocation?
  /// The tolerance of casts; nil takes `assert_close`'s default for the less precise dtype.
  public var tolerance: Tolerance?

  /// Creates a round-trip check.
  ///
  /// - Parameters:
  ///   - name: the name in case ids; nil takes the file's name.
  ///   - checkpoint: the file under test.
  ///   - formats: the formats to write (default torch and safetensors).
  ///   - dtypes: the dtypes to cast floating tensors to; empty (default) keeps the file's.
  ///   - devices: the device tags to write (default `cpu`).
  ///   - routes: the reload routes (default `plain`).
  ///   - policy: how the input is read (default `.weightsOnly`).
  ///   - mapLocation: the input's `map_location` (default nil: tags as written).
  ///   - tolerance: the tolerance of casts (default nil: `assert_close`'s).
  public init(
    name: String? = nil, checkpoint: URL, formats: [CheckpointFormat] = [.torch, .safetensors],
    dtypes: [DType] = [], devices: [Device] = [.cpu], routes: [Route] = [.plain],
    policy: LoadPolicy = .weightsOnly, mapLocation: MapLocation? = nil,
    tolerance: Tolerance? = nil
  ) {
    self.name = name ?? checkpoint.lastPathComponent
    self.checkpoint = checkpoint
    self.formats = formats
    self.dtypes = dtypes
    self.devices = devices
    self.routes = routes
    self.policy = policy
    self.mapLocation = mapLocation
    self.tolerance = tolerance
  }

  /// One case per format × dtype × device × route, in that nesting order.
  ///
  /// Ids are `roundtrip/<name>/<format>/<dtype>/<device>/<route>` (`/` in the name becomes `_`);
  /// axes are `kind` (`roundtrip`), `file`, `format`, `dtype`, `device` and `route`.
  public func cases() -> [any SuiteCase] {
    roundTripCases()
  }

  /// The cases with their concrete type (``cases()`` as ``Case`` values).
  public func roundTripCases() -> [Case] {
    let casts: [DType?] = dtypes.isEmpty ? [nil] : dtypes.map { $0 }
    var out: [Case] = []
    for format in formats {
      for dtype in casts {
        for device in devices {
          for route in routes {
            out.append(
              Case(check: self, format: format, dtype: dtype, device: device, route: route))
          }
        }
      }
    }
    return out
  }
}
