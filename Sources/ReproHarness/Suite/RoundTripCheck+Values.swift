import Foundation
import ReproFormat
import ReproTensor

extension RoundTripCheck {
  /// A nested checkpoint as one flat name → tensor dict, or why it cannot be one.
  enum Flattening {
    /// The flat dict and a note of what it holds and left out.
    case success(root: PickleValue, summary: String)
    /// Why nothing can be flattened (completes "<file> ...").
    case failure(String)
  }

  /// Whether `root` is a dict whose values are all tensors (what safetensors holds).
  static func isFlatTensorDict(_ root: PickleValue) -> Bool {
    guard let pairs = root.unshared.pairs, !pairs.isEmpty else { return false }
    return pairs.allSatisfy {
      guard case .string = $0.key.unshared else { return false }
      return $0.value.unshared.tensor != nil
    }
  }

  /// Every tensor of a nested checkpoint under its inventory path with `.` for `/`
  /// (`model_state_dict.0.weight`, `optimizer_state_dict.state.0.exp_avg`); other values
  /// (epoch, loss, hyper-parameters) cannot be held and are named in the summary.
  static func flattenedStateDicts(of root: PickleValue) -> Flattening {
    let entries = Inventory(of: Checkpoint(root: root)).entries
    var pairs: [PicklePair] = []
    var seen: [String: String] = [:]
    var leftOut: [String] = []
    for e in entries {
      let name = e.path.replacingOccurrences(of: "/", with: ".")
      guard let t = e.tensor else {
        if e.kind != "module" { leftOut.append(name.isEmpty ? "(root)" : name) }
        continue
      }
      if let other = seen[name] {
        return .failure(
          "has two tensors that flatten to the same name '\(name)' ('\(other)' and '\(e.path)')")
      }
      seen[name] = e.path
      pairs.append(PicklePair(.string(name), .tensor(t)))
    }
    guard !pairs.isEmpty else {
      return .failure("holds no tensor to flatten (\(leftOut.count) other values)")
    }
    var summary = "flattened \(pairs.count) tensors (`/` → `.`)"
    if !leftOut.isEmpty {
      let shown = leftOut.prefix(5).joined(separator: ", ")
      summary +=
        "; left out \(leftOut.count) non-tensor values: \(shown)"
        + (leftOut.count > 5 ? ", …" : "")
    }
    return .success(root: .dict(pairs), summary: summary)
  }

  /// A state dict: an `OrderedDict` with `_metadata`, or a non-empty dict of tensors.
  static func isStateDict(_ v: PickleValue) -> Bool {
    switch v.unshared {
    case .orderedDict(let pairs, let attributes):
      if attributes.contains(where: {
        if case .string("_metadata") = $0.key.unshared { true } else { false }
      }) {
        return true
      }
      return !pairs.isEmpty && pairs.allSatisfy { $0.value.unshared.tensor != nil }
    case .dict(let pairs):
      return !pairs.isEmpty && pairs.allSatisfy { $0.value.unshared.tensor != nil }
    default:
      return false
    }
  }

  /// Whether a state dict is reachable from `root` through dicts, lists and tuples.
  static func containsStateDict(_ root: PickleValue) -> Bool {
    if isStateDict(root) { return true }
    if let pairs = root.unshared.pairs { return pairs.contains { containsStateDict($0.value) } }
    if let items = root.unshared.elements { return items.contains(where: containsStateDict) }
    return false
  }

  /// The tree with the first state dict's first key moved to an extra key at its end, and the
  /// paths (in `CheckpointComparison`'s notation) of the key now missing and the extra one.
  static func swappingFirstKey(of root: PickleValue) -> (
    root: PickleValue, missing: String, extra: String
  )? {
    if isStateDict(root), let pairs = root.unshared.pairs, let first = pairs.first {
      let keys = Set(pairs.map { CheckpointComparison.keyText($0.key) })
      var extra = "extra.weight"
      while keys.contains(CheckpointComparison.keyText(.string(extra))) { extra += "_" }
      let rest = Array(pairs.dropFirst()) + [PicklePair(.string(extra), first.value)]
      let swapped: PickleValue =
        if case .orderedDict(_, let attributes) = root.unshared {
          .orderedDict(rest, attributes: attributes)
        } else {
          .dict(rest)
        }
      return (
        swapped, "[\(CheckpointComparison.keyText(first.key))]",
        "[\(CheckpointComparison.keyText(.string(extra)))]"
      )
    }
    switch root.unshared {
    case .dict(var pairs), .orderedDict(var pairs, _):
      for (i, p) in pairs.enumerated() {
        guard let inner = swappingFirstKey(of: p.value) else { continue }
        let prefix = "[\(CheckpointComparison.keyText(p.key))]"
        pairs[i] = PicklePair(p.key, inner.root)
        let rebuilt: PickleValue =
          if case .orderedDict(_, let attributes) = root.unshared {
            .orderedDict(pairs, attributes: attributes)
          } else {
            .dict(pairs)
          }
        return (rebuilt, prefix + inner.missing, prefix + inner.extra)
      }
    case .list(var items), .tuple(var items):
      for (i, v) in items.enumerated() {
        guard let inner = swappingFirstKey(of: v) else { continue }
        items[i] = inner.root
        let rebuilt: PickleValue =
          if case .list = root.unshared { .list(items) } else { .tuple(items) }
        return (rebuilt, "[\(i)]" + inner.missing, "[\(i)]" + inner.extra)
      }
    default:
      break
    }
    return nil
  }

  /// Accepts exactly the missing and unexpected key the non-strict route made; anything else
  /// stays a difference.
  static func acceptSwap(_ c: inout CheckpointComparison, missing: String, extra: String) {
    if c.missingKeys == [missing] && c.unexpectedKeys == [extra] {
      c.missingKeys = []
      c.unexpectedKeys = []
    }
  }

  /// `expected` with its top-level keys in `loaded`'s order (keys `loaded` lacks last), for the
  /// formats that store keys in their own order (safetensors: by dtype, then name).
  static func reordered(_ expected: PickleValue, like loaded: PickleValue) -> PickleValue {
    guard let pairs = expected.unshared.pairs, let order = loaded.unshared.pairs else {
      return expected
    }
    var byKey: [String: PicklePair] = [:]
    for p in pairs where byKey[Inventory.keyString(p.key)] == nil {
      byKey[Inventory.keyString(p.key)] = p
    }
    var out: [PicklePair] = []
    var used = Set<String>()
    for p in order {
      let k = Inventory.keyString(p.key)
      if let e = byKey[k], used.insert(k).inserted { out.append(e) }
    }
    out += pairs.filter { !used.contains(Inventory.keyString($0.key)) }
    return .dict(out)
  }

  /// Whether casting to `dtype` changes any floating tensor's dtype.
  static func castChangesDtype(_ root: PickleValue, to dtype: DType) -> Bool {
    Inventory(of: Checkpoint(root: root)).entries.contains {
      guard let t = $0.tensor else { return false }
      return t.dtype.isFloatingPoint && t.dtype != dtype
    }
  }

  /// A case result from its comparisons: a pass when all passed, else a failure whose message
  /// names the first failing tensor or value and whose details hold every failing comparison.
  static func judged(
    _ comparisons: [CheckpointComparison], id: String, model: String, axes: [String: String],
    startedAt: Date
  ) -> CaseResult {
    let tensors = comparisons.flatMap(\.tensors)
    let failed = comparisons.filter { !$0.passed }
    let finished = Date()
    guard let first = failed.first else {
      return CaseResult(
        id: id, model: model, axes: axes, status: .pass,
        duration: finished.timeIntervalSince(startedAt), tensors: tensors, startedAt: startedAt,
        finishedAt: finished)
    }
    let failedTensors = failed.flatMap(\.failedTensors)
    var headline: String
    if let m = first.missingKeys.first {
      headline = "\(m): missing after the round trip"
    } else if let u = first.unexpectedKeys.first {
      headline = "\(u): unexpected after the round trip"
    } else if let v = first.valueMismatches.first {
      headline = "\(v.path): \(v.description)"
    } else if let t = failedTensors.first {
      headline = t.headline
      if failedTensors.count > 1 { headline += " (and \(failedTensors.count - 1) more tensors)" }
    } else {
      headline = "differs"
    }
    if let golden = first.golden { headline += "; compared with \(golden)" }
    return CaseResult(
      id: id, model: model, axes: axes, status: .fail,
      duration: finished.timeIntervalSince(startedAt),
      failure: .init(
        message: headline, type: "ComparisonFailure",
        details: failed.map(\.message).joined(separator: "\n\n")),
      tensors: tensors, startedAt: startedAt, finishedAt: finished)
  }
}
