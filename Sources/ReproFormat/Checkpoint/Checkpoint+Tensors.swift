public import ReproTensor

extension Checkpoint {
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
