import FuzzSupport
import ReproFormat
import ReproTensor

// Checkpoint.load(file:) as `repro inspect` reaches it, policy .trusted: the format is detected
// from the bytes (torch zip, TorchScript, legacy, safetensors), the file is loaded, and every
// entry of its inventory is rendered (each tensor's bytes hashed). Any input may be refused with
// a FormatError; nothing may crash, leak, hang or allocate past libFuzzer's limits.
runLibFuzzer { data, size in
  let file = Storage(bytes: fuzzInput(data, size))
  if let checkpoint = try? Checkpoint.load(file: file, policy: .trusted) {
    _ = Inventory(of: checkpoint).jsonText()
  }
  return 0
}
