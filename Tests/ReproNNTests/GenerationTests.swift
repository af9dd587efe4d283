import Foundation
import ReproTensor
import ReproTestSupport
import Testing

@testable import ReproNN

/// One (spec, seed, dtype) state dict recorded by Scripts/make_nn_goldens.py with real PyTorch.
struct InitGolden: Decodable, CustomTestStringConvertible, Sendable {
  struct Entry: Decodable, Sendable {
    let key: String
    let dtype: String
    let shape: [Int]
    let stride: [Int]
    let sha256: String
  }
  let spec: String
  let seed: Int64
  let dtype: String
  let keys: [String]
  let metadata: [[MetadataValue]]
  let tensors: [Entry]
  let rngAfter: String

  enum MetadataValue: Decodable, Sendable, Equatable {
    case path(String)
    case version(Int)
    init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let i = try? c.decode(Int.self) {
        self = .version(i)
      } else {
        self = .path(try c.decode(String.self))
      }
    }
  }

  var testDescription: String { "\(spec) seed=\(seed) \(dtype)" }

  static func all() throws -> [InitGolden] {
    struct File: Decodable { let cases: [InitGolden] }
    return try TestJSON.decode(File.self, golden: "pytorch/nn/init.json").cases
  }

  private enum CodingKeys: String, CodingKey {
    case spec
    case seed
    case dtype
    case keys
    case metadata
    case tensors
    case rngAfter = "rng_after"
  }
}

@Suite struct GenerationTests {
  @Test(arguments: try InitGolden.all())
  func generationMatchesPyTorchBitForBit(golden: InitGolden) throws {
    let g = Generator(seed: UInt64(bitPattern: golden.seed))
    let model = try ModelFactory.make(golden.spec, generator: g)
    let sha = SHA256Digest.hex(of: g.stateBytes())
    #expect(
      sha == golden.rngAfter, "generator state after construction differs: wrong number of draws")
    model.cast(to: try #require(DType(pytorchName: golden.dtype)))
    let sd = model.stateDict()
    #expect(sd.keys == golden.keys)
    #expect(
      sd.metadata.map(\.path)
        == golden.metadata.compactMap { if case .path(let p) = $0.first { p } else { nil } })
    for want in golden.tensors {
      let got = try #require(sd[want.key], "missing \(want.key)")
      #expect(got.dtype.pytorchName == want.dtype, "\(want.key) dtype")
      #expect(got.shape == want.shape, "\(want.key) shape")
      #expect(got.strides == want.stride, "\(want.key) stride")
      #expect(got.sha256Hex() == want.sha256, "\(want.key): bytes differ from PyTorch's")
    }
  }
}
