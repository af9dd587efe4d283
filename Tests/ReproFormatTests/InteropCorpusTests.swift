import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproFormat

/// Every file of the PyTorch-made corpus (Golden/pytorch/interop, Golden/pytorch/gpu) inspects
/// to exactly the inventory PyTorch itself produced, field by field.
@Suite struct InteropCorpusTests {
  static let cases = Corpus.interopCases()

  @Test func corpusIsPresent() {
    #expect(Self.cases.count >= 35, "found \(Self.cases.count) interop cases")
  }

  @Test(arguments: cases)
  func inventoryMatchesPyTorch(_ c: Corpus.InteropCase) throws {
    let expected = try c.expected()
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent(
      "repro-interop-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    let weightsOnlyOK = expected["weights_only_ok"] as? Bool ?? true
    let checkpoint = try Checkpoint.load(
      contentsOf: try c.fileURL(in: tmp), policy: weightsOnlyOK ? .weightsOnly : .trusted)
    #expect(checkpoint.format.inventoryName == expected["format"] as? String)
    #expect(
      checkpoint.weightsOnlyOK == weightsOnlyOK, "\(checkpoint.weightsOnlyRefusal ?? "accepted")")
    let (_, got, want) = try inventoryEntries(of: checkpoint, expected: expected)
    for (g, w) in zip(got, want) {
      let path = w["path"] as? String ?? ""
      for (key, value) in w where !["path"].contains(key) {
        #expect(
          same(g[key], value),
          "\(path): \(key) is \(String(describing: g[key])), PyTorch says \(value)")
      }
    }
    if let meta = expected["metadata"] as? [String: String] {
      #expect(checkpoint.metadata == meta)
    }
  }

  @Test func cudaFileNeedsAMapLocationToCompute() throws {
    let url = Repository.golden("pytorch/gpu/gpu_mlp_cuda_fp16.pt")
    let kept = try TorchFile.load(contentsOf: url)
    #expect(kept.tensors.allSatisfy { $0.device == .cuda(0) })
    let err = #expect(throws: FormatError.self) { try kept.requireComputable() }
    #expect(err?.code == .needsMapLocation)
    #expect(err?.message.contains("map") == true, "\(err?.message ?? "")")
    let mapped = try TorchFile.load(contentsOf: url, mapLocation: .device(.cpu))
    #expect(mapped.tensors.allSatisfy { $0.device == .cpu })
    try mapped.requireComputable()
    let remapped = try TorchFile.load(contentsOf: url, mapLocation: .mapping(["cuda:0": "cuda:1"]))
    #expect(remapped.tensors.allSatisfy { $0.device == .cuda(1) })
    #expect(zip(kept.tensors, mapped.tensors).allSatisfy { $0.bytesEqual($1) })
  }

  @Test func memoryMappedLoadBorrowsTheMapping() throws {
    let url = Repository.golden("pytorch/interop/seq_mlp_fp32.pt")
    let mapped = try Checkpoint.load(contentsOf: url, memoryMapped: true)
    let plain = try Checkpoint.load(contentsOf: url)
    let a = Inventory(of: mapped).entries.compactMap(\.tensor)
    let b = Inventory(of: plain).entries.compactMap(\.tensor)
    #expect(a.count == 4)
    #expect(a.allSatisfy { $0.storage.isBorrowed && $0.storage.isReadOnly })
    #expect(b.allSatisfy { !$0.storage.isReadOnly })
    #expect(zip(a, b).allSatisfy { $0.bytesEqual($1) })
  }

  /// JSON values equal, with numbers compared as doubles and NaN equal to NaN.
  func same(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x as NSNumber, let y as NSNumber):
      return x.doubleValue == y.doubleValue
    case (let x as String, let y as String): return x == y
    case (let x as [Any], let y as [Any]):
      return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
    case (is NSNull, is NSNull): return true
    default: return false
    }
  }
}
