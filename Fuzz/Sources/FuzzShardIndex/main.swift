import FuzzSupport
import ReproFormat

// The Hugging Face sharded checkpoint index (`model.safetensors.index.json`): its JSON, the
// `weight_map` and `metadata.total_size`, then the index written back.
runLibFuzzer { data, size in
  let bytes = fuzzInput(data, size)
  if let index = try? ShardIndex.parse(bytes, name: "model.safetensors.index.json") {
    _ = index.jsonText()
    _ = index.shardFiles
  }
  return 0
}
