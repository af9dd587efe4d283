import Foundation
public import ReproFormat
public import ReproTensor

extension RoundTripCheck {
  /// One format × dtype × device × route of a ``RoundTripCheck``.
  ///
  /// ```swift
  /// let result = check.roundTripCases()[0].run(in: context)
  /// result.status          // .pass, or .fail naming the key, .skip saying why
  /// ```
  public struct Case: SuiteCase {
    /// The check this case belongs to.
    public var check: RoundTripCheck
    /// The format written.
    public var format: CheckpointFormat
    /// The dtype floating tensors are cast to (nil: as saved).
    public var dtype: DType?
    /// The device tag written.
    public var device: Device
    /// How the file is read back.
    public var route: Route

    /// Creates a case.
    public init(
      check: RoundTripCheck, format: CheckpointFormat, dtype: DType?, device: Device, route: Route
    ) {
      self.check = check
      self.format = format
      self.dtype = dtype
      self.device = device
      self.route = route
    }

    /// The dtype axis: the dtype's name, or `as_saved`.
    public var dtypeName: String { dtype?.pytorchName ?? "as_saved" }

    /// `roundtrip/<name>/<format>/<dtype>/<device>/<route>`.
    public var id: String {
      [
        "roundtrip", check.name.replacingOccurrences(of: "/", with: "_"), format.rawValue,
        dtypeName, device.description, route.rawValue,
      ].joined(separator: "/")
    }

    /// The check's name.
    public var model: String { check.name }

    /// `kind`, `file`, `format`, `dtype`, `device`, `route`.
    public var axes: [String: String] {
      [
        "kind": "roundtrip", "file": check.checkpoint.lastPathComponent,
        "format": format.rawValue, "dtype": dtypeName, "device": device.description,
        "route": route.rawValue,
      ]
    }

    /// Runs the round trip in `context.scratch`; errors become `error` results naming them.
    public func run(in context: SuiteContext) -> CaseResult {
      let start = Date()
      var axes = self.axes
      do {
        switch try execute(scratch: context.scratch) {
        case .compared(let comparisons, let flattened):
          if let flattened { axes["flattened"] = flattened }
          return RoundTripCheck.judged(
            comparisons, id: id, model: model, axes: axes, startedAt: start)
        case .skipped(let reason):
          return CaseResult(
            id: id, model: model, axes: axes, status: .skip,
            duration: Date().timeIntervalSince(start),
            failure: .init(message: reason, type: "Skipped"), startedAt: start)
        }
      } catch {
        return CaseResult(
          id: id, model: model, axes: axes, status: .error,
          duration: Date().timeIntervalSince(start),
          failure: .init(message: "\(error)", type: String(describing: type(of: error))),
          startedAt: start)
      }
    }

    /// What a case found: comparisons (and what flattening left out), or why it did not run.
    enum Outcome {
      case compared([CheckpointComparison], flattened: String?)
      case skipped(String)
    }

    func execute(scratch: URL) throws -> Outcome {
      let file = check.checkpoint.lastPathComponent
      guard format.canWrite else {
        return .skipped("Repro does not write the \(format.rawValue) format (read only)")
      }
      let input = try Checkpoint.load(
        contentsOf: check.checkpoint, mapLocation: check.mapLocation, policy: check.policy)
      var original = input
      var flattened: String?
      if format.holdsOnlyFlatTensorDicts && !RoundTripCheck.isFlatTensorDict(input.root) {
        switch RoundTripCheck.flattenedStateDicts(of: input.root) {
        case .success(let root, let summary):
          original.root = root
          flattened = summary
        case .failure(let reason):
          return .skipped("\(format.rawValue) holds one flat name → tensor dict: \(file) \(reason)")
        }
      }
      var written = dtype.map { original.castingFloatingTensors(to: $0) } ?? original
      written = written.taggingTensors(with: device)
      var toWrite = written
      var swapped: (missing: String, extra: String)?
      switch route {
      case .plain, .mmap: break
      case .dataParallel:
        guard RoundTripCheck.containsStateDict(written.root) else {
          return .skipped(
            "the data_parallel route renames state-dict keys: \(file) holds no state dict")
        }
        toWrite = written.renamingStateDictKeys(addingPrefix: "module.")
      case .nonStrict:
        guard let swap = RoundTripCheck.swappingFirstKey(of: written.root) else {
          return .skipped(
            "the non_strict route drops a state-dict key: \(file) holds no state dict")
        }
        toWrite.root = swap.root
        swapped = (swap.missing, swap.extra)
      }

      let url = scratch.appendingPathComponent(
        id.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "")
          + (format.isFolder ? "" : "." + format.fileExtension))
      defer { try? FileManager.default.removeItem(at: url) }
      try write(toWrite, to: url)
      let reloadLocation: MapLocation? = device == .cpu ? nil : .device(.cpu)
      var reloaded = try read(url, mapLocation: reloadLocation)
      if route == .dataParallel {
        reloaded = reloaded.renamingStateDictKeys(strippingPrefix: "module.")
      }

      // What was written, as it must come back: on cpu (map_location, or safetensors, which
      // records no device), in the file's key order for the formats that reorder keys.
      var expected = written.taggingTensors(with: .cpu)
      if format != .torch {
        expected.root = RoundTripCheck.reordered(expected.root, like: reloaded.root)
      }
      let what = "what this case wrote (\(url.lastPathComponent))"
      var bitwise = CheckpointComparison.compare(
        reloaded.root, expected.root, options: .bitwise, golden: what)
      if let swapped {
        RoundTripCheck.acceptSwap(&bitwise, missing: swapped.missing, extra: swapped.extra)
      }
      var comparisons = [bitwise]
      if device != .cpu && format.recordsDevices {
        comparisons.append(try deviceTagCheck(url: url, written: written))
      }
      if let dtype, RoundTripCheck.castChangesDtype(original.root, to: dtype) {
        var reference = original.taggingTensors(with: .cpu)
        if format != .torch {
          reference.root = RoundTripCheck.reordered(reference.root, like: reloaded.root)
        }
        var close = CheckpointComparison.compare(
          reloaded.root, reference.root,
          options: ComparisonOptions(mode: .close, tolerance: check.tolerance, checkDtype: false),
          golden: "the original \(file) (assert_close, check_dtype=False)")
        if let swapped {
          RoundTripCheck.acceptSwap(&close, missing: swapped.missing, extra: swapped.extra)
        }
        comparisons.append(close)
      }
      return .compared(comparisons, flattened: flattened)
    }

    /// Writes the case's file.
    ///
    /// Sharded formats are written with shards of half the tensors'
    /// bytes, so that even a small checkpoint gets at least two shards and an index (the 5 GB
    /// default would write one file and no index, as huggingface_hub does).
    func write(_ checkpoint: Checkpoint, to url: URL) throws {
      guard format == .shardedSafetensors || format == .shardedTorch else {
        try Checkpoint.write(checkpoint, to: url, format: format)
        return
      }
      let pairs = try checkpoint.stateDictPairs()
      let bytes = pairs.reduce(0) { total, p in
        total + (p.value.unshared.tensor.map { $0.count * $0.dtype.elementSize } ?? 0)
      }
      _ = try ShardedCheckpoint.save(
        pairs, to: url, maxShardSize: max(1, bytes / 2),
        safeSerialization: format == .shardedSafetensors)
    }

    /// Reads the case's file back through the route; a sharded folder without an index (one
    /// shard) is read from its one file.
    func read(_ url: URL, mapLocation: MapLocation?, memoryMapped: Bool? = nil) throws
      -> Checkpoint
    {
      var file = url
      var fileFormat = format
      if format.isFolder && ShardedCheckpoint.indexURL(for: url) == nil {
        let single = format == .shardedSafetensors ? "model.safetensors" : "pytorch_model.bin"
        file = url.appendingPathComponent(single)
        fileFormat = format == .shardedSafetensors ? .safetensors : .torch
      }
      return try Checkpoint.load(
        contentsOf: file, format: fileFormat, mapLocation: mapLocation, policy: check.policy,
        memoryMapped: memoryMapped ?? (route == .mmap))
    }

    /// The tags the file holds, read without `map_location`: every tensor must carry `device`.
    func deviceTagCheck(url: URL, written: Checkpoint) throws -> CheckpointComparison {
      let asWritten = try read(url, mapLocation: nil, memoryMapped: false)
      var expected = written
      if route == .dataParallel {
        expected = expected.renamingStateDictKeys(addingPrefix: "module.")
      }
      var tags = CheckpointComparison.compare(
        asWritten.root, expected.root,
        options: ComparisonOptions(mode: .close, tolerance: .exact, checkDevice: true),
        golden: "the device tags written (\(device), read without map_location)")
      if route == .nonStrict {
        tags.missingKeys = []
        tags.unexpectedKeys = []
      }
      return tags
    }
  }
}

extension CheckpointFormat {
  /// Whether the format holds only a flat name → tensor dict (safetensors, the sharded formats).
  var holdsOnlyFlatTensorDicts: Bool {
    switch self {
    case .safetensors, .shardedSafetensors, .shardedTorch: true
    case .torch, .torchLegacy, .dcp, .torchscript: false
    }
  }

  /// Whether the file records each storage's device (torch's `location` tags).
  var recordsDevices: Bool { self == .torch || self == .shardedTorch || self == .torchLegacy }
}
