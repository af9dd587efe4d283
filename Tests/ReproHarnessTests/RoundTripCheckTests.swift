import Foundation
import ReproFormat
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproHarness

/// `RoundTripCheck` on files saved by real PyTorch, against what PyTorch says about the same
/// casts (`Scripts/make_roundtrip_goldens.py` → `Golden/pytorch/roundtrip/verdicts.json`).
@Suite struct RoundTripCheckTests {
  /// torch's view of one key after a cast: `assert_close(t.to(dtype), t, check_dtype=False)`.
  struct Verdict: Decodable {
    var cast: Bool
    var dtype: String
    var sha256: String
    var passed: Bool?
    var message: String?
  }

  struct Verdicts: Decodable {
    var files: [String: [String: [String: Verdict]]]
  }

  static let verdicts = try? TestJSON.decode(
    Verdicts.self, golden: "pytorch/roundtrip/verdicts.json")

  static let castCases: [(file: String, dtype: String)] = [
    "roundtrip/overflow_state_dict.pt", "interop/seq_mlp_fp32.pt", "interop/mlp_adam_checkpoint.pt",
  ].flatMap { f in ["float16", "bfloat16", "float32", "float64"].map { (f, $0) } }

  /// An inventory path (`optimizer/state/0/step`) in `CheckpointComparison`'s notation
  /// (`['optimizer']['state'][0]['step']`): the optimizer's state keys are ints.
  static func pythonPath(_ path: String) -> String {
    path.split(separator: "/").map { part in
      part.allSatisfy(\.isNumber) ? "[\(part)]" : "['\(part)']"
    }.joined()
  }

  static func run(_ check: RoundTripCheck) throws -> [CaseResult] {
    let scratch = try Repository.makeTemporaryFolder(prefix: "repro-roundtrip-test")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let context = SuiteContext(
      golden: GoldenStore(root: scratch, mode: .never), scratch: scratch, threads: 1)
    return check.cases().map { $0.run(in: context) }
  }

  @Test(arguments: castCases)
  func castVerdictsAreAssertClosesVerdicts(_ file: String, _ dtypeName: String) throws {
    let keys = try #require(Self.verdicts?.files[file]?[dtypeName])
    let dtype = try #require(DType(pytorchName: dtypeName))
    let check = RoundTripCheck(
      checkpoint: Repository.golden("pytorch/" + file), formats: [.torch], dtypes: [dtype])
    let result = try #require(try Self.run(check).first)
    #expect(
      result.id == "roundtrip/\(file.split(separator: "/").last ?? "")/torch/\(dtypeName)/cpu/plain"
    )
    let close = result.tensors.filter { $0.golden?.hasPrefix("the original") == true }
    let bitwise = result.tensors.filter { $0.golden?.hasPrefix("what this case wrote") == true }
    #expect(bitwise.count == keys.count && bitwise.allSatisfy(\.passed))
    let original = try Checkpoint.load(contentsOf: check.checkpoint)
    let castsSomething = RoundTripCheck.castChangesDtype(original.root, to: dtype)
    #expect(close.count == (castsSomething ? keys.count : 0))
    for (path, verdict) in keys where verdict.cast && castsSomething {
      let name = Self.pythonPath(path)
      let mine = try #require(close.first { $0.name == name }, "\(name) not compared")
      #expect(mine.passed == verdict.passed, "\(file) \(dtypeName) \(path)")
      if let message = verdict.message { #expect(mine.summary == message) }
    }
    let torchFails = keys.filter { $0.value.passed == false }.map(\.key)
    #expect(result.status == (torchFails.isEmpty ? .pass : .fail))
    for key in torchFails {
      #expect(result.failure?.message.contains(Self.pythonPath(key)) == true)
    }
  }

  @Test func overflowToFloat16FailsNamingTheKeyAndBFloat16Passes() throws {
    let check = RoundTripCheck(
      checkpoint: Repository.golden("pytorch/roundtrip/overflow_state_dict.pt"),
      formats: [.safetensors], dtypes: [.float16, .bfloat16])
    let results = try Self.run(check)
    #expect(results.map(\.status) == [.fail, .pass])
    let failure = try #require(results.first?.failure)
    #expect(
      failure.message.hasPrefix(
        "['0.bias']: Tensor-likes are not close! (1 / 3 mismatched, greatest absolute difference inf)"
      ))
    #expect(failure.details.contains("Greatest absolute difference: inf at index (0,)"))
  }

  @Test func sameDtypeTripsAreBitwiseThroughEveryWritableFormatDeviceAndRoute() throws {
    let check = RoundTripCheck(
      checkpoint: Repository.golden("pytorch/interop/seq_mlp_fp32.pt"),
      formats: [.torch, .safetensors, .shardedSafetensors, .shardedTorch], dtypes: [.float32],
      devices: [.cpu, .cuda(0)], routes: RoundTripCheck.Route.allCases)
    let results = try Self.run(check)
    #expect(results.count == 4 * 2 * 4)
    #expect(Set(results.map(\.id)).count == results.count)
    #expect(
      results.contains { $0.id == "roundtrip/seq_mlp_fp32.pt/sharded-torch/float32/cuda:0/mmap" })
    for r in results {
      #expect(r.status == .pass, "\(r.id): \(r.failure?.message ?? "")")
      #expect(!r.tensors.isEmpty && r.tensors.allSatisfy { $0.mode == .bitwise || $0.passed })
    }
    // The cuda:0 tags are written (torch formats keep them) and checked before map_location.
    let tagged = try #require(results.first { $0.id.hasSuffix("/torch/float32/cuda:0/plain") })
    #expect(
      tagged.tensors.contains { $0.golden?.hasPrefix("the device tags written (cuda:0") == true })
  }

  @Test func nestedCheckpointIsFlattenedForSafetensorsNamingWhatWasLeftOut() throws {
    let file = "pytorch/interop/mlp_adam_checkpoint.pt"
    let inventory = try TestJSON.object(
      from: Repository.golden(file.replacingOccurrences(of: ".pt", with: ".expected.json")))
    let entries = try #require(inventory["entries"] as? [[String: Any]])
    let tensors = entries.filter { $0["kind"] as? String == "tensor" }.count
    let others = entries.count - tensors
    let check = RoundTripCheck(
      checkpoint: Repository.golden(file), formats: [.safetensors, .torch], dtypes: [.bfloat16],
      routes: [.plain, .nonStrict, .dataParallel])
    let results = try Self.run(check)
    #expect(
      results.map(\.status) == Array(repeating: .pass, count: 6),
      "\(results.map { $0.failure?.message ?? "" })")
    let flattened = try #require(results.first?.axes["flattened"])
    #expect(flattened.hasPrefix("flattened \(tensors) tensors"))
    #expect(flattened.contains("left out \(others) non-tensor values: optimizer.param_groups.0.lr"))
    #expect(results[3].axes["flattened"] == nil)  // torch holds the nested checkpoint as it is
  }

  @Test func fileWithoutTensorsIsSkippedForSafetensorsWithTheReason() throws {
    let check = RoundTripCheck(
      checkpoint: Repository.golden("pytorch/interop/grad_scaler.pt"),
      formats: [.safetensors, .torch], routes: [.plain, .dataParallel])
    let results = try Self.run(check)
    #expect(results.map(\.status) == [.skip, .skip, .pass, .skip])
    #expect(
      results[0].failure?.message
        == "safetensors holds one flat name → tensor dict: grad_scaler.pt holds no tensor to flatten (10 other values)"
    )
    #expect(
      results[3].failure?.message
        == "the data_parallel route renames state-dict keys: grad_scaler.pt holds no state dict")
  }

  /// `torch.save(model)` read as opaque objects: torch keeps the module (where the DataParallel
  /// route finds no state dict to rename), safetensors gets its state dict's tensors (renamed).
  @Test func wholeModuleRoundTripsUnderTheTrustedPolicy() throws {
    let file = "pytorch/interop/whole_mlp_module.pt"
    let inventory = try TestJSON.object(
      from: Repository.golden(file.replacingOccurrences(of: ".pt", with: ".expected.json")))
    let entries = try #require(inventory["entries"] as? [[String: Any]])
    let tensors = entries.filter { $0["kind"] as? String == "tensor" }.count
    let check = RoundTripCheck(
      checkpoint: Repository.golden(file), formats: [.torch, .safetensors], dtypes: [.float16],
      routes: [.plain, .dataParallel], policy: .trusted)
    let results = try Self.run(check)
    #expect(
      results.map(\.status) == [.pass, .skip, .pass, .pass],
      "\(results.map { $0.failure?.message ?? "" })")
    #expect(results[2].axes["flattened"]?.hasPrefix("flattened \(tensors) tensors") == true)
    #expect(results[0].tensors.count == 2 * tensors)  // bitwise, then assert_close per tensor
  }

  @Test func unreadableInputIsAnErrorNamingTheFile() throws {
    let check = RoundTripCheck(
      checkpoint: Repository.golden("malformed/zip_bad_crc_data.pt"), formats: [.torch])
    let result = try #require(try Self.run(check).first)
    #expect(result.status == .error)
    #expect(result.failure?.message.contains("badCRC") == true)
  }
}
