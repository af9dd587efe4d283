public import ReproTensor

/// PyTorch checkpoint files: `torch.save` / `torch.load` for the zip format and the legacy
/// (pre-1.6) format.
///
/// Loading returns a `PickleValue` tree whose tensors are resolved (`.tensor` / `.parameter`
/// leaves over shared `Storage`s). Nothing in the file is executed: by default a file that
/// `torch.load(weights_only=True)` would refuse is refused; `weightsOnly: false` reads
/// whole-model files into `.object` nodes instead.
///
/// ```swift
/// let ckpt = try TorchFile.load(contentsOf: url, mapLocation: .device(.cpu))
/// for (key, tensor) in ckpt.root["model_state_dict"]?.stateDict ?? [] { print(key, tensor.shape) }
/// try TorchFile.save(ckpt.root, to: otherURL)   // data.pkl byte-identical to torch.save
/// ```
public enum TorchFile {
  /// The container format of a file.
  public enum Format: String, Sendable {
    /// The zip format (torch.save's default since 1.6).
    case zip
    /// The legacy format (`_use_new_zipfile_serialization=False`).
    case legacy
  }

  /// A loaded file.
  public struct Loaded: Sendable {
    /// The object, with tensors resolved.
    public var root: PickleValue
    /// The container format.
    public var format: Format
    /// Why `torch.load(weights_only=True)` would refuse the file, or nil if it accepts it.
    public var weightsOnlyRefusal: String?
    /// The zip folder name (`archive`, `seq_mlp_fp32`), nil for legacy files.
    public var archiveName: String?

    /// Whether `torch.load(weights_only=True)` would accept the file.
    public var weightsOnlyOK: Bool { weightsOnlyRefusal == nil }

    /// Every tensor of the tree, depth first, each once per place it appears.
    public var tensors: [Tensor] {
      var out: [Tensor] = []
      TorchFile.forEachTensor(in: root) { out.append($0) }
      return out
    }

    /// Checks that every tensor is on a device this machine can compute on.
    ///
    /// - Parameter available: the devices present (default: the CPU only; `meta` tensors have
    ///   no data and are refused too).
    /// - Throws: `FormatError.Code.needsMapLocation` naming the first tensor's device and
    ///   telling the user to pass a map location.
    public func requireComputable(on available: Set<Device> = [.cpu]) throws(FormatError) {
      for t in tensors where !available.contains(t.device) {
        throw FormatError(
          .needsMapLocation,
          "a tensor is stored on \(t.device), which this machine lacks (available: \(available.map(\.description).sorted().joined(separator: ", "))). If you are running on a CPU-only machine, load with mapLocation: .device(.cpu) (torch.load(..., map_location=torch.device('cpu'))) to map your storages to the CPU."
        )
      }
    }
  }

  /// Calls `body` for each tensor and parameter of a tree, depth first.
  public static func forEachTensor(in value: PickleValue, _ body: (Tensor) -> Void) {
    switch value {
    case .tensor(let t), .parameter(let t): body(t)
    case .tuple(let v), .list(let v), .set(let v), .frozenSet(let v):
      for x in v { forEachTensor(in: x, body) }
    case .dict(let p):
      for x in p {
        forEachTensor(in: x.key, body)
        forEachTensor(in: x.value, body)
      }
    case .orderedDict(let p, let a):
      for x in p + a {
        forEachTensor(in: x.key, body)
        forEachTensor(in: x.value, body)
      }
    case .reduce(let c, let a):
      forEachTensor(in: c, body)
      forEachTensor(in: a, body)
    case .build(let o, let s):
      forEachTensor(in: o, body)
      forEachTensor(in: s, body)
    case .persistentID(let p): forEachTensor(in: p, body)
    case .object(let o):
      forEachTensor(in: o.args, body)
      if let s = o.state { forEachTensor(in: s, body) }
    case .shared(let s): forEachTensor(in: s.value, body)
    case .none, .bool, .int, .bigInt, .float, .string, .bytes, .global, .storage, .backReference:
      break
    }
  }

  /// The zip folder name torch.save uses for a path: the basename without its last
  /// extension, or `archive` when the path is not pure ASCII (torch then writes through a
  /// Python file object).
  ///
  /// - Throws: `FormatError.Code.invalidArgument` when the name becomes empty (`.hidden`).
  public static func archiveName(forPath path: String) throws(FormatError) -> String {
    guard path.unicodeScalars.allSatisfy(\.isASCII) else { return "archive" }
    var base = Substring(path)
    if let i = base.lastIndex(where: { $0 == "/" || $0 == "\\" }) {
      base = base[base.index(after: i)...]
    }
    if let dot = base.lastIndex(of: ".") { base = base[..<dot] }
    guard !base.isEmpty else { throw FormatError(.invalidArgument, "invalid file name: \(path)") }
    return String(base)
  }
}
