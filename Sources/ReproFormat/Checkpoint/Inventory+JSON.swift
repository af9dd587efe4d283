public import ReproTensor

extension Inventory {
  /// Whether a dtype's inventory entries carry `head` (floating, int32, int64 and bool), as in
  /// the interop corpus.
  public static func hasHead(_ dtype: DType) -> Bool {
    dtype.isFloatingPoint || dtype == .int32 || dtype == .int64 || dtype == .bool
  }

  /// The first `count` values in logical order, as JSON numbers: floats in Python's repr with
  /// Python json's `NaN`/`Infinity` tokens, integers and bools (0/1) as integers.
  public static func headJSON(_ t: Tensor, count: Int = 4) -> [String] {
    var out: [String] = []
    t.forEachStorageIndexUntil { i in
      switch t.scalar(atStorageIndex: i) {
      case .float(let d):
        out.append(
          d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : Scalar.pythonRepr(d)
        )
      case .int(let v): out.append(String(v))
      case .uint(let v): out.append(String(v))
      case .bool(let b): out.append(b ? "1" : "0")
      case .complex(let re, _): out.append(Scalar.pythonRepr(re))
      }
      return out.count < count
    }
    return out
  }

  /// The JSON of one entry, keys in the corpus's order.
  public static func entryJSON(_ e: Entry) -> String {
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
        "\"sha256\": \"\(t.sha256Hex())\"",
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
    let body = entries.map { "  " + Inventory.entryJSON($0) }.joined(separator: ",\n")
    lines.append("\"entries\": [\n\(body)\n]}")
    return lines.joined(separator: ", ")
  }
}

extension Tensor {
  /// Calls `body` with storage indices in logical order until it returns false.
  func forEachStorageIndexUntil(_ body: (Int) -> Bool) {
    var going = true
    // Early exit by tracking a flag: forEachStorageIndex has no break, but heads are tiny.
    if count == 0 { return }
    var index = [Int](repeating: 0, count: rank)
    while going {
      var at = storageOffset
      for d in 0..<rank { at += index[d] * strides[d] }
      going = body(at)
      var d = rank - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
        d -= 1
      }
      if d < 0 { return }
    }
  }
}
