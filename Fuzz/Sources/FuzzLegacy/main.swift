import FuzzSupport
import ReproFormat
import ReproTensor

// The legacy (pre-1.6) torch reader, forced whatever the first bytes are: magic number,
// protocol version and sys_info pickles, the object pickle, storage keys and raw storages, under
// both policies, then every tensor hashed through the inventory.
runLibFuzzer { data, size in
  let file = Storage(bytes: fuzzInput(data, size))
  for policy in [LoadPolicy.weightsOnly, .trusted] {
    if let checkpoint = try? Checkpoint.load(file: file, format: .torchLegacy, policy: policy) {
      _ = Inventory(of: checkpoint).jsonText()
    }
  }
  return 0
}
