// swift-tools-version: 6.2
import PackageDescription

// Benchmarks live outside the main package so that `swift test` never builds them.
// Run: swift run -c release --package-path Benchmarks ReproBench
//      Benchmarks/.build/release/FormatBench via Scripts/bench_format_torch.py
let package = Package(
  name: "ReproBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "Repro", path: "..")],
  targets: [
    // The baseline calls cblas directly through its own system-library import.
    .systemLibrary(
      name: "CBLASBaseline", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .executableTarget(
      name: "ReproBench",
      dependencies: [.product(name: "ReproTensor", package: "Repro"), "CBLASBaseline"],
      swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
    // ResNet-18 forward and one MLP training step; Scripts/bench_nn_torch.py times the same in
    // PyTorch. Run: swift run -c release --package-path Benchmarks NNBench
    .executableTarget(
      name: "NNBench",
      dependencies: [
        .product(name: "ReproTensor", package: "Repro"),
        .product(name: "ReproNN", package: "Repro"),
      ]),
    // Serialization engine, one measurement per process (Scripts/bench_format_torch.py drives it).
    .executableTarget(
      name: "FormatBench",
      dependencies: [
        .product(name: "ReproFormat", package: "Repro"),
        .product(name: "ReproNN", package: "Repro"),
        .product(name: "ReproTensor", package: "Repro"),
      ]),
  ],
  swiftLanguageModes: [.v6]
)
