import Foundation
public import ReproTensor

extension Inventory {
  /// Whether a dtype's inventory entries carry `head` (floating, int32, int64 and bool), as in
  /// the interop corpus.
  public static func hasHead(_ dtype: DType) -> Bool {
    dtype.isFloatingPoint || dtype == .int32 || dtype == .int64 || dtype == .bool
  }

  /// The first `count` values in logical order, as JSON numbers: floats in Python's repr with
  /// Python json's `NaN`/`Infinity` tokens, integers and bools (0/1) as integers.
  ///
  /// Only those values are read (``ReproTensor/TensorByteReader``): a deferred storage (a
  /// deflated record) is not inflated whole for them.
  public static func headJSON(_ t: Tensor, count: Int = 4) -> [String] {
    let k = min(count, t.count)
    guard k > 0 else { return [] }
    let bytes = unsafe TensorByteReader(t).withNext(elements: k) { unsafe Array($0) }
    guard
      let head = try? Tensor(
        storage: Storage(bytes: bytes), dtype: t.dtype, shape: [k], strides: [1])
    else { return [] }
    return (0..<k).map { i in
      switch head.scalar(atStorageIndex: i) {
      case .float(let d):
        d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : Scalar.pythonRepr(d)
      case .int(let v): String(v)
      case .uint(let v): String(v)
      case .bool(let b): b ? "1" : "0"
      case .complex(let re, _): Scalar.pythonRepr(re)
      }
    }
  }

  /// The JSON of one entry, keys in the corpus's order.
  ///
  /// - Parameters:
  ///   - e: the entry.
  ///   - sha256: the tensor's ``ReproTensor/Tensor/sha256Hex()`` when already known
  ///     (``sha256Hexes()``); computed here when nil.
  public static func entryJSON(_ e: Entry, sha256: String? = nil) -> String {
    var fields = ["\"path\": \(JSONText.string(e.path))", "\"kind\": \(JSONText.string(e.kind))"]
    if let t = e.tensor {
      fields += [
        "\"dtype\": \(JSONText.string(t.dtype.pytorchName))",
        "\"shape\": [\(t.shape.map(String.init).joined(separator: ", "))]",
        "\"stride\": [\(t.strides.map(String.init).joined(separator: ", "))]",
        "\"storage_offset\": \(t.storageOffset)",
        "\"device\": \(JSONText.string(t.device.description))",
        "\"requires_grad\": \(t.requiresGrad)",
        "\"parameter\": \(e.isParameter)",
        "\"sha256\": \"\(sha256 ?? t.sha256Hex())\"",
      ]
      if hasHead(t.dtype) { fields.append("\"head\": [\(headJSON(t).joined(separator: ", "))]") }
    } else if let a = e.array {
      fields += [
        "\"dtype\": \(JSONText.string(a.dtype.name))",
        "\"shape\": [\(a.shape.map(String.init).joined(separator: ", "))]",
        "\"sha256\": \"\(a.sha256Hex)\"",
      ]
    } else if let cls = e.className {
      fields.append("\"class\": \(JSONText.string(cls))")
    } else {
      fields.append("\"value\": \(e.valueJSON ?? "null")")
    }
    return "{" + fields.joined(separator: ", ") + "}"
  }

  /// The whole inventory as JSON: `{"format", "weights_only_ok", ["weights_only_error"],
  /// ["metadata"], "entries"}`, one entry per line.
  public func jsonText() -> String {
    var lines = [
      "{\"format\": \"\(format.inventoryName)\"",
      "\"weights_only_ok\": \(weightsOnlyOK)",
    ]
    if let weightsOnlyRefusal {
      lines.append("\"weights_only_error\": \(JSONText.string(weightsOnlyRefusal))")
    }
    if format == .safetensors {
      let meta = metadata.sorted { $0.key < $1.key }.map {
        "\(JSONText.string($0.key)): \(JSONText.string($0.value))"
      }
      lines.append("\"metadata\": {\(meta.joined(separator: ", "))}")
    }
    let hashes = sha256Hexes()
    let body = zip(entries, hashes).map { "  " + Inventory.entryJSON($0, sha256: $1) }
      .joined(separator: ",\n")
    lines.append("\"entries\": [\n\(body)\n]}")
    return lines.joined(separator: ", ")
  }
}

extension Inventory {
  /// The ``ReproTensor/Tensor/sha256Hex()`` of every tensor entry, in entry order.
  ///
  /// Other entries give nil. The hashes are computed on every core, largest tensors first; each
  /// streams its tensor in chunks, so this holds a few chunks per core of a checkpoint of any size.
  public func sha256Hexes() -> [String?] {
    ConcurrentMap.map(entries, cost: { $0.tensor?.count ?? 0 }, { $0.tensor?.sha256Hex() })
  }
}
