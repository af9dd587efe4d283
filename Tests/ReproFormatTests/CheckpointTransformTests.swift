import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// `Checkpoint` transforms behind `repro convert`, checked against PyTorch-made files.
@Suite struct CheckpointTransformTests {
  static func load(_ name: String) throws -> Checkpoint {
    try Checkpoint.load(
      contentsOf: Repository.golden("pytorch/interop/\(name)"))
  }

  @Test func strippingTheDataParallelPrefixGivesThePlainStateDict() throws {
    let wrapped = try Self.load("dataparallel_prefix.pt")
    let plain = try Self.load("seq_mlp_fp32.pt")
    let stripped = wrapped.renamingStateDictKeys(strippingPrefix: "module.")
    let a = Inventory(of: stripped).entries
    let b = Inventory(of: plain).entries
    #expect(a.map(\.path) == b.map(\.path))
    #expect(zip(a, b).allSatisfy { $0.tensor?.sha256Hex() == $1.tensor?.sha256Hex() })
    // `_metadata` follows PyTorch's consume_prefix_in_state_dict_if_present: the wrapper's root
    // entry takes the wrapped module's version, "module.0" becomes "0".
    guard case .orderedDict(_, let attributes) = stripped.root.unshared,
      case .orderedDict(let meta, _)? = attributes.first?.value.unshared
    else {
      Issue.record("no _metadata")
      return
    }
    #expect(meta.map { Inventory.keyString($0.key) } == ["", "0", "1", "2"])
  }

  @Test func addingThePrefixRoundTrips() throws {
    let plain = try Self.load("seq_mlp_fp32.pt")
    let back = plain.renamingStateDictKeys(addingPrefix: "module.").renamingStateDictKeys(
      strippingPrefix: "module.")
    #expect(
      try TorchFile.serialize(back.root, archiveName: "seq_mlp_fp32")
        == TorchFile.serialize(plain.root, archiveName: "seq_mlp_fp32"))
  }

  @Test func castingMatchesPyTorchsHalfFile() throws {
    // seq_mlp_fp16.pt is `seq_mlp_fp32`'s model after `.half()` in PyTorch.
    let cast = try Self.load("seq_mlp_fp32.pt").castingFloatingTensors(to: .float16)
    let torchHalf = try Self.load("seq_mlp_fp16.pt")
    let a = Inventory(of: cast).entries.compactMap(\.tensor)
    let b = Inventory(of: torchHalf).entries.compactMap(\.tensor)
    #expect(a.count == 4)
    #expect(zip(a, b).allSatisfy { $0.dtype == .float16 && $0.bytesEqual($1) })
  }

  @Test func castingKeepsSharedTensorsShared() throws {
    let views = try Self.load("views_shared.pt").castingFloatingTensors(to: .bfloat16)
    let tensors = Inventory(of: views).entries.compactMap(\.tensor)
    #expect(tensors.allSatisfy { !$0.dtype.isFloatingPoint || $0.dtype == .bfloat16 })
  }

  @Test func flatTensorsRefusesNonTensorValues() throws {
    let checkpoint = try Self.load("simple_sgd_checkpoint.pt")
    let err = #expect(throws: FormatError.self) { try checkpoint.flatTensors() }
    #expect(err?.message.contains("'epoch' is an int;") == true, "\(err?.message ?? "")")
  }
}
