import FuzzSupport
import ReproFormat

// A torch.distributed.checkpoint `.metadata` file: the pickle (its own allowlist of DCP
// classes), then the typed items, chunks, storage locations and planner data.
runLibFuzzer { data, size in
  _ = try? DCPMetadata.parse(fuzzInput(data, size), context: ".metadata")
  return 0
}
