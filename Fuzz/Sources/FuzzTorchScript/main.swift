import FuzzSupport
import ReproFormat
import ReproTensor

// A `torch.jit.save` archive read as `torch.jit.load(f).state_dict()`: the zip, data.pkl under
// the TorchScript globals check, the `code/` sources' declared parameters and buffers, and the
// state-dict walk, then every tensor hashed through the inventory.
runLibFuzzer { data, size in
  let file = Storage(bytes: fuzzInput(data, size))
  if let checkpoint = try? TorchScriptArchive.load(file: file) {
    _ = Inventory(of: checkpoint).jsonText()
  }
  return 0
}
