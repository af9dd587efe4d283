import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Damaged container metadata (every truncation point, byte flips) ends in a `FormatError` or a
/// load, never a crash, hang or huge allocation.
@Suite struct ContainerFuzzTests {
  /// A copy of a golden folder whose file `name` gets `bytes`.
  static func folder(copying source: String, replacing name: String, with bytes: [UInt8]) throws
    -> URL
  {
    let tmp = try ContainerCorpus.temporaryFolder()
    let src = ContainerCorpus.golden(source)
    for file in try FileManager.default.contentsOfDirectory(atPath: src.path) where file != name {
      try FileManager.default.copyItem(
        at: src.appendingPathComponent(file), to: tmp.appendingPathComponent(file))
    }
    try Data(bytes).write(to: tmp.appendingPathComponent(name))
    return tmp
  }

  @Test(arguments: ["sharded", "fsdp"])
  func damagedDCPMetadataNeverCrashes(_ name: String) throws {
    let original = try [UInt8](
      Data(contentsOf: ContainerCorpus.golden("dcp/\(name)/.metadata")))
    var variants: [[UInt8]] = []
    for cut in stride(from: 0, to: original.count, by: 97) {
      variants.append(Array(original[..<cut]))
    }
    for at in stride(from: 11, to: original.count, by: 41) {
      var flipped = original
      flipped[at] ^= 0x5A
      variants.append(flipped)
    }
    var refused = 0
    let folder = try Self.folder(copying: "dcp/\(name)", replacing: ".metadata", with: [])
    defer { try? FileManager.default.removeItem(at: folder) }
    for bytes in variants {
      try Data(bytes).write(to: folder.appendingPathComponent(".metadata"))
      do {
        _ = Inventory(of: try Checkpoint.load(contentsOf: folder)).jsonText()
      } catch {
        refused += 1
      }
    }
    #expect(refused > variants.count / 2, "\(refused) of \(variants.count) refused")
  }

  @Test func damagedShardIndexNeverCrashes() throws {
    let name = "model.safetensors.index.json"
    let original = try [UInt8](Data(contentsOf: ContainerCorpus.golden("sharded/st/\(name)")))
    var refused = 0
    var count = 0
    let folder = try Self.folder(copying: "sharded/st", replacing: name, with: [])
    defer { try? FileManager.default.removeItem(at: folder) }
    for at in stride(from: 0, to: original.count, by: 5) {
      let flipped = original.enumerated().map { $0.offset == at ? 0x22 : $0.element }
      for damaged in [Array(original[..<at]), flipped] {
        count += 1
        try Data(damaged).write(to: folder.appendingPathComponent(name))
        do {
          _ = try Checkpoint.load(contentsOf: folder)
        } catch {
          refused += 1
        }
      }
    }
    #expect(refused > count / 2, "\(refused) of \(count) refused")
  }

  @Test func truncatedTorchScriptArchivesNeverCrash() throws {
    let original = try [UInt8](Data(contentsOf: ContainerCorpus.golden("torchscript/scripted.pt")))
    for cut in stride(from: 0, to: original.count, by: 97) {
      #expect(throws: FormatError.self, "cut at \(cut)") {
        _ = try Checkpoint.load(file: Storage(bytes: original[..<cut]))
      }
    }
  }
}
