// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for Repro's readers, one per reader. The package lives outside the main one
// so that `swift test` never builds it; it depends on Repro by path.
//
// Build and run them with `make fuzz` (Scripts/fuzz.py): the whole graph is compiled with
// `-sanitize=fuzzer,address` (combined: given as two flags, coverage silently drops to 0), which
// links libFuzzer. SwiftPM links an executable with `--defsym main=<Target>_main`, so each
// target's top-level code (its `main.swift`) is that symbol, and it hands its input callback to
// `LLVMFuzzerRunDriver` (FuzzSupport) instead of defining `LLVMFuzzerTestOneInput`.
let fuzzTargets: [(name: String, products: [String])] = [
  // Checkpoint.load(file:) with format detection, then the inventory (every tensor hashed).
  ("FuzzCheckpointWeightsOnly", ["ReproFormat", "ReproTensor"]),
  ("FuzzCheckpointTrusted", ["ReproFormat", "ReproTensor"]),
  // The pickle VM (both policies) and the disassembler behind `repro diff`.
  ("FuzzPickle", ["ReproFormat"]),
  // The safetensors header parser and reader, then the inventory.
  ("FuzzSafeTensors", ["ReproFormat", "ReproTensor"]),
  // The zip directory parser, every record read (stored or inflated) with its CRC checked.
  ("FuzzZip", ["ReproFormat", "ReproTensor"]),
  // The legacy (pre-1.6) torch reader, both policies.
  ("FuzzLegacy", ["ReproFormat", "ReproTensor"]),
  // The Hugging Face `*.index.json` parser.
  ("FuzzShardIndex", ["ReproFormat"]),
  // The torch.distributed.checkpoint `.metadata` reader.
  ("FuzzDCPMetadata", ["ReproFormat"]),
  // The TorchScript archive reader (`torch.jit.load(f).state_dict()`).
  ("FuzzTorchScript", ["ReproFormat", "ReproTensor"]),
]

let package = Package(
  name: "ReproFuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "Repro", path: "..")],
  targets: [
    // The declaration of libFuzzer's `LLVMFuzzerRunDriver`; the symbol comes from the runtime
    // that `-sanitize=fuzzer` links.
    .systemLibrary(name: "CLibFuzzer"),
    .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
  ]
    + fuzzTargets.map { target in
      .executableTarget(
        name: target.name,
        dependencies: ["FuzzSupport"]
          + target.products.map { .product(name: $0, package: "Repro") })
    },
  swiftLanguageModes: [.v6]
)
