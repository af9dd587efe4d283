import Foundation
import ReproTensor

/// The files `safetensors.torch.save_file` wrote (Scripts/make_safetensors_corpus.py).
enum SafeTensorsCorpus {
  static let directory: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        break
      }
      url.deleteLastPathComponent()
    }
    return url.appendingPathComponent("Golden/pytorch/safetensors")
  }()

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
    let data = try Data(contentsOf: directory.appendingPathComponent(name + ".expected.json"))
    guard let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw Failure(description: "\(name).expected.json is not an object")
    }
    return doc
  }
}
