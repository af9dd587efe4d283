import Foundation
import ReproTestSupport
import Testing

@testable import ReproFormat

/// TorchScript archives made by real `torch.jit.save` (`Scripts/make_torchscript_goldens.py`,
/// Golden/pytorch/torchscript/): read as `torch.jit.load(f).state_dict()`.
@Suite struct TorchScriptArchiveTests {
  static let names = ["scripted", "traced", "scripted_fp16", "scripted_containers"]

  @Test(arguments: names)
  func inventoryMatchesJitLoadStateDict(_ name: String) throws {
    let checkpoint = try Checkpoint.load(
      contentsOf: ContainerCorpus.golden("torchscript/\(name).pt"))
    try ContainerCorpus.expectInventory(
      of: checkpoint, equals: ContainerCorpus.golden("torchscript/\(name).expected.json"))
  }

  /// `torch.save(torch.jit.load(f).state_dict(), out)`, byte for byte.
  @Test(arguments: names)
  func savedStateDictIsWhatTorchSaveWrites(_ name: String) throws {
    let checkpoint = try Checkpoint.load(
      contentsOf: ContainerCorpus.golden("torchscript/\(name).pt"))
    let tmp = try ContainerCorpus.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: tmp) }
    let out = tmp.appendingPathComponent("\(name).state_dict.pt")
    try TorchFile.save(checkpoint.root, to: out)
    let want = try Data(contentsOf: ContainerCorpus.golden("torchscript/\(name).state_dict.pt"))
    #expect(try Data(contentsOf: out) == want)
  }

  @Test func classDeclarationsAreRead() throws {
    let source = """
      class BatchNorm2d(Module):
        __parameters__ = ["weight", "bias", ]
        __buffers__ = ["running_mean", "running_var", "num_batches_tracked", ]
        weight : Tensor
      class Helper(object):
        __parameters__ = ["x", ]
      """
    let classes = try TorchScriptClass.parse(
      source: source, module: "__torch__.torch.nn.modules.batchnorm", context: "code")
    #expect(
      classes == [
        TorchScriptClass(
          qualifiedName: "__torch__.torch.nn.modules.batchnorm.BatchNorm2d",
          parameters: ["weight", "bias"],
          buffers: ["running_mean", "running_var", "num_batches_tracked"])
      ])
  }
}
