public import ReproTensor

/// PyTorch checkpoint files, the layer below ``Checkpoint``: `torch.save` / `torch.load` for the
/// zip format and the legacy (pre-1.6) format.
///
/// Use ``Checkpoint/load(contentsOf:format:mapLocation:policy:memoryMapped:)`` and
/// ``Checkpoint/write(_:to:format:)``; they call this type for ``CheckpointFormat/torch`` and
/// ``CheckpointFormat/torchLegacy``. Loading returns a `PickleValue` tree whose tensors are
/// resolved (`.tensor` / `.parameter` leaves over shared `Storage`s). Nothing in the file is
/// executed: under ``LoadPolicy/weightsOnly`` a file that `torch.load(weights_only=True)` would
/// refuse is refused; ``LoadPolicy/trusted`` reads whole-model files into `.object` nodes instead.
///
/// ```swift
/// let ckpt = try TorchFile.load(contentsOf: url, mapLocation: .device(.cpu))
/// for (key, tensor) in ckpt.root["model_state_dict"]?.stateDict ?? [] { print(key, tensor.shape) }
/// try TorchFile.save(ckpt.root, to: otherURL)   // data.pkl byte-identical to torch.save
/// ```
public enum TorchFile {
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
