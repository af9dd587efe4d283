import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// ReproNN's one error type: PyTorch's `load_state_dict` messages word for word
/// (Scripts/make_load_state_dict_errors.py → Golden/pytorch/errors/load_state_dict.json), the
/// spec caret layout, and causes carried from ReproTensor.
@Suite struct NNErrorTests {
  struct LoadCase: Decodable, Sendable, CustomTestStringConvertible {
    struct Key: Decodable, Sendable {
      var key: String
      var shape: [Int]
    }
    var spec: String
    var keys: [Key]
    var strict: Bool
    var version: Int?
    var message: String?
    var missing: [String]?
    var unexpected: [String]?
    var testDescription: String {
      "\(spec) \(keys.map(\.key)) strict=\(strict) version=\(version.map(String.init) ?? "none")"
    }
  }

  static let loadCases: [LoadCase] = {
    struct File: Decodable { var cases: [LoadCase] }
    return (try? TestJSON.decode(File.self, golden: "pytorch/errors/load_state_dict.json").cases)
      ?? []
  }()

  @Test func everyLoadCaseIsPresent() { #expect(Self.loadCases.count == 9) }

  @Test(arguments: loadCases)
  func loadStateDictAgreesWithPyTorch(_ c: LoadCase) throws {
    let model = try ModelFactory.make(c.spec, generator: Generator(seed: UInt64(0)))
    let stateDict = StateDict(
      entries: c.keys.map {
        StateDictEntry(key: $0.key, tensor: Tensor(zeros: $0.shape, dtype: .float32))
      }, metadata: c.version.map { [(path: "", version: $0)] } ?? [])
    let before = model.stateDict().entries.map { $0.tensor.sha256Hex() }
    do throws(NNError) {
      let keys = try model.loadStateDict(stateDict, strict: c.strict)
      #expect(c.message == nil, "expected PyTorch's error: \(c.message ?? "")")
      #expect(
        keys == IncompatibleKeys(missingKeys: c.missing ?? [], unexpectedKeys: c.unexpected ?? []))
      return
    } catch {
      #expect(error.code == .stateDictMismatch)
      #expect(error.message == c.message)
      #expect(error.description == "stateDictMismatch: " + (c.message ?? ""))
      if let missing = c.missing, let unexpected = c.unexpected {
        #expect(
          error.incompatibleKeys
            == IncompatibleKeys(missingKeys: missing, unexpectedKeys: unexpected))
      }
    }
    // Nothing is modified when it throws.
    #expect(model.stateDict().entries.map { $0.tensor.sha256Hex() } == before)
  }

  @Test func aSpecErrorKeepsTheCaretLayout() {
    let e = NNError.invalidSpec("unknown module 'Foo'", source: "Sequential(Foo())", offset: 11)
    #expect(e.code == .invalidSpec)
    #expect(
      e.description
        == "invalid model spec: unknown module 'Foo' at column 12\n  Sequential(Foo())\n             ^"
    )
  }

  @Test func aMalformedGeneratorStateNamesTheKeyAndCarriesTheTensorError() throws {
    let g = Generator(seed: UInt64(0))
    let model = try ModelFactory.make("simple", generator: g)
    let opt = try SGD(model.parameters(), lr: 0.1)
    var checkpoint = TrainingCheckpoint(
      epoch: 1, model: model, optimizer: opt, loss: .float(0.5), generator: g)
    checkpoint.rngState = [1, 2, 3]
    do throws(NNError) {
      try checkpoint.restore(model: model, optimizer: opt, generator: Generator(seed: UInt64(1)))
      Issue.record("expected an error")
    } catch {
      #expect(error.code == .invalidStateDict)
      #expect(error.message.hasPrefix("checkpoint \"rng_state\": "))
      let cause = error.cause as? TensorError
      #expect(cause?.code == .invalidGeneratorState)
      #expect(error.description.hasSuffix(" (caused by: \(cause.map { "\($0)" } ?? "nil"))"))
    }
  }
}
