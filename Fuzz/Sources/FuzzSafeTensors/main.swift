import FuzzSupport
import ReproFormat
import ReproTensor

// The safetensors reader: the 8-byte header length, the JSON header (its own parser), the
// entries' dtypes, shapes and offsets against the data, then every tensor hashed through the
// inventory.
runLibFuzzer { data, size in
  let file = Storage(bytes: fuzzInput(data, size))
  if let checkpoint = try? Checkpoint.load(file: file, format: .safetensors) {
    _ = Inventory(of: checkpoint).jsonText()
  }
  return 0
}
