import FuzzSupport
import ReproFormat

// The pickle VM on raw bytes under both policies (weights-only refuses globals outside torch's
// allowlist; trusted builds opaque nodes, rendered as Python prints them), then the
// disassembler `repro diff` shows.
runLibFuzzer { data, size in
  let bytes = fuzzInput(data, size)
  _ = try? Unpickler.unpickle(bytes, context: "data.pkl", options: .weightsOnly)
  if let result = try? Unpickler.unpickle(bytes, context: "data.pkl", options: .trusted) {
    _ = result.value.pythonRepr
  }
  _ = try? PickleDisassembler.instructions(of: bytes)
  return 0
}
