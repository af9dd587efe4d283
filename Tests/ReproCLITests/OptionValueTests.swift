import ReproCLI
import ReproFormat
import ReproHarness
import ReproNN
import ReproTensor
import Testing

/// The option value types of `ReproCLI`: what each accepts and what it refuses (a refused
/// value is a usage error, exit code 64).
@Suite struct OptionValueTests {
  @Test(arguments: [
    ("3,4", [3, 4]), ("1000", [1000]), (" 2 , 3 ", [2, 3]), ("0", [0]),
    ("1099511627776", [1 << 40]),
  ])
  func shapesParse(_ text: String, _ sizes: [Int]) {
    #expect(ShapeArgument(argument: text)?.sizes == sizes)
  }

  @Test(arguments: ["", "3,", ",3", "3,-1", "a", "1099511627777", "3;4"])
  func badShapesAreRefused(_ text: String) {
    #expect(ShapeArgument(argument: text) == nil)
  }

  @Test func betasAreTwoNumbers() throws {
    let b = try #require(BetasArgument(argument: "0.8, 0.95"))
    #expect(b.betas.0 == 0.8 && b.betas.1 == 0.95)
    for bad in ["0.9", "0.9,0.99,0.999", "0.9,x", ""] {
      #expect(BetasArgument(argument: bad) == nil, "\(bad)")
    }
  }

  @Test func mapLocationsAreADeviceOrAMapping() throws {
    guard case .device(let d) = try #require(MapLocationArgument(argument: "cpu")).location else {
      Issue.record("cpu is a device")
      return
    }
    #expect(d == .cpu)
    guard
      case .mapping(let m) = try #require(
        MapLocationArgument(argument: "cuda:1=cuda:0, cuda:2=cpu")
      ).location
    else {
      Issue.record("a mapping")
      return
    }
    #expect(m == ["cuda:1": "cuda:0", "cuda:2": "cpu"])
    for bad in ["gpu", "cuda:1=gpu", "cuda:1=", "=cpu"] {
      #expect(MapLocationArgument(argument: bad) == nil, "\(bad)")
    }
  }

  /// Closed choices map to the library's values one to one: no value falls back to a default.
  @Test func choicesMapToDistinctLibraryValues() {
    #expect(
      Set(FloatingDTypeChoice.allCases.map(\.dtype)).count == FloatingDTypeChoice.allCases.count)
    #expect(FloatingDTypeChoice.allCases.allSatisfy { $0.dtype.pytorchName == $0.rawValue })
    #expect(Set(CastDTypeChoice.allCases.map(\.dtype)).count == CastDTypeChoice.allCases.count)
    #expect(CastDTypeChoice.allCases.allSatisfy { $0.dtype.pytorchName == $0.rawValue })
    #expect(AutocastDTypeChoice.allCases.allSatisfy { $0.dtype.pytorchName == $0.rawValue })
    #expect(RandomDTypeChoice.allCases.allSatisfy { $0.dtype.pytorchName == $0.rawValue })
    #expect(Set(RandomDTypeChoice.allCases.map(\.dtype)).count == RandomDTypeChoice.allCases.count)
    #expect(TrainingRun.OptimizerKind(argument: "adamw") == .adamw)
    #expect(TrainingRun.OptimizerKind(argument: "rmsprop") == nil)
    #expect(ModelGeneration.Mode(argument: "state-dict") == .stateDict)
    #expect(Generator.Capability(argument: "default") == .default)
    #expect(MatrixShard(argument: "2/4") == MatrixShard(index: 2, count: 4))
    #expect(MatrixShard(argument: "5/4") == nil)
  }
}
