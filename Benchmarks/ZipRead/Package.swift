// swift-tools-version: 6.2
// Zip read throughput of ReproFormat (kept out of the main package so `swift test` never
// builds it). Run: swift run -c release zip-read-benchmark <file.pt> [iterations]
// Compare with: python3 Scripts/bench_zip_read.py <file.pt> [iterations]
import PackageDescription

let package = Package(
  name: "ZipReadBenchmark",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "Repro", path: "../..")],
  targets: [
    .executableTarget(
      name: "zip-read-benchmark",
      dependencies: [
        .product(name: "ReproFormat", package: "Repro"),
        .product(name: "ReproTensor", package: "Repro"),
      ],
      path: "Sources/ZipReadBenchmark")
  ],
  swiftLanguageModes: [.v6]
)
