public import ReproTensor

extension Module {
  /// Tags every parameter, gradient and buffer of the tree with `device`, as
  /// `model.to(device)` places them in PyTorch; the bytes are unchanged (all compute runs on the
  /// CPU here), and files saved afterwards name the device in every storage's location.
  public func setDeviceTag(_ device: Device) {
    for (_, module) in namedModules() {
      for case (_, let p?) in module.namedParameters {
        p.value.device = device
        p.grad?.device = device
      }
      for case (let name, var b?, _) in module.namedBuffers {
        b.device = device
        module.setBuffer(name, b)
      }
    }
  }
}
