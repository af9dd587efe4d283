import Foundation
import ReproTensor
import ReproTestSupport

/// The files `safetensors.torch.save_file` wrote (Scripts/make_safetensors_corpus.py).
enum SafeTensorsCorpus {
  static let directory = Repository.golden("pytorch/safetensors")

  /// The names of the corpus files (without extension), sorted.
  static let names: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(12)) }.sorted()
  }()

  static func url(_ name: String) -> URL { directory.appendingPathComponent(name + ".safetensors") }

  static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: url(name))) }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The parsed NAME.expected.json.
  static func inventory(_ name: String) throws -> [String: Any] {
    try TestJSON.object(from: directory.appendingPathComponent(name + ".expected.json"))
  }
}
