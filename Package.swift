// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The libraries and the tool hold the package's unsafe code: every unsafe site is marked `unsafe`.
let librarySettings: [SwiftSetting] = strictSettings + [.strictMemorySafety()]

let package = Package(
  name: "Repro",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "ReproTensor", targets: ["ReproTensor"]),
    .library(name: "ReproFormat", targets: ["ReproFormat"]),
    .library(name: "ReproNN", targets: ["ReproNN"]),
    .library(name: "ReproHarness", targets: ["ReproHarness"]),
    .library(name: "ReproTesting", targets: ["ReproTesting"]),
    .executable(name: "repro", targets: ["repro"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // libdeflate's CRC-32 (carry-less multiplication: PCLMULQDQ/VPCLMULQDQ, chosen at run time).
    .systemLibrary(
      name: "CLibDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
    // Linux file calls that Glibc's module hides (sync_file_range).
    .systemLibrary(name: "CLinuxIO"),
    // libxml2's XML Schema validator, used only by the tests to check JUnit files against the XSD.
    .systemLibrary(
      name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    // The generator's hot loops (Box-Muller blocks, uniform_'s fused multiply-add) in C, built
    // for AVX2+FMA and portably, chosen at run time; bit-identical either way.
    .target(name: "CReproKernels"),
    .target(
      name: "ReproTensor",
      dependencies: [
        "COpenBLAS", "CReproKernels", .product(name: "Crypto", package: "swift-crypto"),
      ],
      exclude: ["README.md"],
      swiftSettings: librarySettings),
    .target(
      name: "ReproFormat",
      dependencies: ["ReproTensor", "CZlib", "CLibDeflate", "CLinuxIO"],
      swiftSettings: librarySettings),
    .target(
      name: "ReproNN",
      dependencies: ["ReproTensor", "ReproFormat"],
      swiftSettings: librarySettings),
    .target(
      name: "ReproHarness",
      dependencies: [
        "ReproTensor", "ReproFormat", "ReproNN", .product(name: "TOMLKit", package: "TOMLKit"),
      ],
      swiftSettings: librarySettings),
    // Assertions for users' own `swift test`: expectCheckpoint, expectRoundTrip, expectGolden
    // (Swift Testing issues, XCTest failures).
    .target(
      name: "ReproTesting",
      dependencies: ["ReproTensor", "ReproFormat", "ReproHarness"],
      swiftSettings: librarySettings),
    // What the command line needs beyond argument declarations: option value types, closed
    // choices, exit codes, output rendering.
    .target(
      name: "ReproCLI",
      dependencies: [
        "ReproTensor", "ReproFormat", "ReproNN", "ReproHarness",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: librarySettings),
    .executableTarget(
      name: "repro",
      dependencies: [
        "ReproTensor", "ReproFormat", "ReproNN", "ReproHarness", "ReproCLI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: librarySettings),
    // Helpers for the test targets only: the repository root, golden files, JSON, the built
    // binary.
    .target(
      name: "ReproTestSupport",
      swiftSettings: strictSettings),
    .testTarget(
      name: "ReproFormatTests",
      dependencies: ["ReproTestSupport", "ReproFormat", "ReproTensor"],
      swiftSettings: strictSettings),
    .testTarget(
      name: "ReproTensorTests",
      dependencies: ["ReproTestSupport", "ReproTensor"],
      swiftSettings: strictSettings),
    .testTarget(
      name: "ReproNNTests",
      dependencies: ["ReproTestSupport", "ReproNN", "ReproTensor", "ReproFormat"],
      swiftSettings: strictSettings),
    .testTarget(
      name: "ReproHarnessTests",
      dependencies: ["ReproTestSupport", "ReproHarness", "ReproFormat", "ReproTensor", "CLibXML2"],
      exclude: ["Resources"],
      swiftSettings: strictSettings),
    .testTarget(
      name: "ReproTestingTests",
      dependencies: [
        "ReproTesting", "ReproHarness", "ReproFormat", "ReproTensor", "ReproTestSupport",
      ],
      // The goldens expectGolden records next to the test files (committed, not resources).
      exclude: ["__Goldens__"],
      swiftSettings: strictSettings),
    .testTarget(
      name: "ReproCLITests",
      dependencies: [
        "ReproCLI", "ReproHarness", "ReproNN", "ReproFormat", "ReproTensor", "ReproTestSupport",
      ],
      swiftSettings: strictSettings),
  ],
  swiftLanguageModes: [.v6]
)
