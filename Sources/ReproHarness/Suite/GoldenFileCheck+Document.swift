import Foundation
public import ReproFormat
import ReproTensor

extension GoldenFileCheck {
  /// What a golden records about a checkpoint file: its inventory (the contract of
  /// `repro inspect --json`), one entry per tensor and per other value, keyed by path.
  ///
  /// Tensors record dtype, shape, stride, storage offset, device tag, `requires_grad`, whether
  /// they are parameters, the sha256 of their bytes and their first four values; other values
  /// their Python type and value. The file's own bytes are not recorded: re-saving the same
  /// tensors (another archive name, another torch release) still matches.
  ///
  /// ```json
  /// {"entries": {"0.weight": {"device": "cpu", "dtype": "float32", "kind": "tensor",
  ///   "sha256": "7b1445e3…", "shape": [2, 2], "values": ["-0.0053", "0.3793", …], …}},
  ///  "file": "model.pt", "format": "zip", "weights_only_ok": true}
  /// ```
  public struct Document: Codable, Sendable, Equatable {
    /// One inventory entry.
    public struct Entry: Codable, Sendable, Equatable {
      /// The Python type name (`tensor`, `int`, `float`, `str`, `module`, …).
      public var kind: String
      /// The PyTorch dtype name (`float32`), for tensors.
      public var dtype: String?
      /// The shape, for tensors and numpy arrays.
      public var shape: [Int]?
      /// The strides, for tensors.
      public var stride: [Int]?
      /// The storage offset, for tensors.
      public var storageOffset: Int?
      /// The device tag written in the file (`cuda:0`), for tensors.
      public var device: String?
      /// Whether the tensor requires grad.
      public var requiresGrad: Bool?
      /// Whether the tensor is an `nn.Parameter`.
      public var parameter: Bool?
      /// The sha256 of the tensor's (or array's) contiguous little-endian bytes.
      public var sha256: String?
      /// The first four values in Python's repr, for floating, int32, int64 and bool tensors.
      public var values: [String]?
      /// The value of anything else, as JSON text.
      public var value: String?
      /// The class of a whole module.
      public var moduleClass: String?

      enum CodingKeys: String, CodingKey {
        case kind, dtype, shape, stride, device, parameter, sha256, values, value
        case storageOffset = "storage_offset"
        case requiresGrad = "requires_grad"
        case moduleClass = "class"
      }
    }

    /// The file's name (not its path, so that the golden does not depend on where it lies).
    public var file: String
    /// The container format (`zip`, `legacy`, `safetensors`, …).
    public var format: String
    /// Whether `torch.load(weights_only=True)` accepts the file.
    public var weightsOnlyOK: Bool
    /// safetensors `__metadata__` (nil for other formats).
    public var metadata: [String: String]?
    /// The entries by inventory path (`model_state_dict/0.weight`); a repeated path gets `#2`.
    public var entries: [String: Entry]
    /// The paths in the file's order.
    public var paths: [String]

    enum CodingKeys: String, CodingKey {
      case file, format, metadata, entries, paths
      case weightsOnlyOK = "weights_only_ok"
    }

    /// The document of a loaded checkpoint.
    ///
    /// - Parameters:
    ///   - checkpoint: the loaded file.
    ///   - fileName: the file's name, recorded in the document.
    public init(of checkpoint: Checkpoint, fileName: String) {
      let inventory = Inventory(of: checkpoint)
      file = fileName
      format = inventory.format.inventoryName
      weightsOnlyOK = inventory.weightsOnlyOK
      metadata = inventory.format == .safetensors ? inventory.metadata : nil
      var entries: [String: Entry] = [:]
      var paths: [String] = []
      // Hashed on every core, each tensor streamed in chunks.
      let hashes = inventory.sha256Hexes()
      for (e, hash) in zip(inventory.entries, hashes) {
        var path = e.path
        var n = 1
        while entries[path] != nil {
          n += 1
          path = "\(e.path)#\(n)"
        }
        entries[path] = Document.entry(e, sha256: hash)
        paths.append(path)
      }
      self.entries = entries
      self.paths = paths
    }

    static func entry(_ e: Inventory.Entry, sha256: String? = nil) -> Entry {
      var out = Entry(kind: e.kind)
      if let t = e.tensor {
        out.dtype = t.dtype.pytorchName
        out.shape = t.shape
        out.stride = t.strides
        out.storageOffset = t.storageOffset
        out.device = t.device.description
        out.requiresGrad = t.requiresGrad
        out.parameter = e.isParameter
        out.sha256 = sha256 ?? t.sha256Hex()
        if Inventory.hasHead(t.dtype) { out.values = Inventory.headJSON(t) }
      } else if let a = e.array {
        out.dtype = a.dtype.name
        out.shape = a.shape
        out.sha256 = a.sha256Hex
      } else if let cls = e.className {
        out.moduleClass = cls
      } else {
        out.value = e.valueJSON ?? "null"
      }
      return out
    }
  }
}

extension GoldenFileCheck.Document.Entry {
  /// An entry of `kind` with no other field set.
  init(kind: String) {
    self.kind = kind
  }

  /// What changed from `golden` to `self`, field by field (`sha256 7b1445e3… → 81d9ece2…`).
  func changes(from golden: Self) -> [String] {
    var out: [String] = []
    func note<T: Equatable>(_ name: String, _ old: T?, _ new: T?, _ text: (T) -> String) {
      guard old != new else { return }
      out.append("\(name) \(old.map(text) ?? "none") → \(new.map(text) ?? "none")")
    }
    let list: ([Int]) -> String = { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
    note("kind", golden.kind, kind, { $0 })
    note("dtype", golden.dtype, dtype, { $0 })
    note("shape", golden.shape, shape, list)
    note("stride", golden.stride, stride, list)
    note("storage offset", golden.storageOffset, storageOffset, String.init)
    note("device", golden.device, device, { $0 })
    note("requires_grad", golden.requiresGrad, requiresGrad, { "\($0)" })
    note("parameter", golden.parameter, parameter, { "\($0)" })
    note("sha256", golden.sha256, sha256, { String($0.prefix(16)) + "…" })
    note("first values", golden.values, values, { "[" + $0.joined(separator: ", ") + "]" })
    note("value", golden.value, value, { $0 })
    note("class", golden.moduleClass, moduleClass, { $0 })
    return out
  }
}
