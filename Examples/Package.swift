// swift-tools-version: 6.2
import PackageDescription

// How a package of your own uses ReproTesting in its `swift test`. It depends on Repro by path,
// so the root package's `swift test` never builds it; `make examples` (part of `make test`) does.
// Run: cd Examples && swift test
let package = Package(
  name: "ReproExamples",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "Repro", path: "..")],
  targets: [
    .testTarget(
      name: "CheckpointTests",
      dependencies: [.product(name: "ReproTesting", package: "Repro")],
      // PyTorch-made files (Scripts/make_examples_fixtures.py) and the goldens expectGolden
      // records next to the test file: read by path, not bundled as resources.
      exclude: ["Fixtures", "__Goldens__"])
  ],
  swiftLanguageModes: [.v6]
)
