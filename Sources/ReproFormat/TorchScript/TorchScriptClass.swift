import Foundation

/// A module class declared in a TorchScript archive's `code/` folder: its qualified name and
/// which attributes are parameters and buffers.
///
/// `torch.jit.save` writes each class as Python-like source, for example in
/// `code/__torch__/torch/nn/modules/batchnorm.py`:
///
/// ```python
/// class BatchNorm2d(Module):
///   __parameters__ = ["weight", "bias", ]
///   __buffers__ = ["running_mean", "running_var", "num_batches_tracked", ]
/// ```
///
/// Only these declaration lines are read; no code is run.
public struct TorchScriptClass: Sendable, Equatable {
  /// The qualified name used by `data.pkl`'s globals
  /// (`__torch__.torch.nn.modules.batchnorm.BatchNorm2d`).
  public var qualifiedName: String
  /// The attributes declared as parameters, in declaration order.
  public var parameters: [String]
  /// The attributes declared as buffers, in declaration order.
  public var buffers: [String]

  /// Creates a class description.
  public init(qualifiedName: String, parameters: [String], buffers: [String]) {
    self.qualifiedName = qualifiedName
    self.parameters = parameters
    self.buffers = buffers
  }

  /// The module classes (those deriving from `Module`) declared in one code file.
  ///
  /// - Parameters:
  ///   - source: the file's text.
  ///   - module: the Python module the file defines (`__torch__.torch.nn.modules.linear`),
  ///     from its path under `code/`.
  ///   - context: the record's name, for error messages.
  /// - Throws: `FormatError.Code.corrupt` when a `__parameters__` / `__buffers__` line is not
  ///   a list of string literals.
  public static func parse(source: String, module: String, context: String) throws(FormatError)
    -> [TorchScriptClass]
  {
    var out: [TorchScriptClass] = []
    var current: TorchScriptClass?
    for raw in source.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = Substring(raw)
      if line.hasPrefix("class ") {
        if let c = current { out.append(c) }
        current = nil
        let header = line.dropFirst("class ".count)
        guard let open = header.firstIndex(of: "("), header.hasSuffix("(Module):") else { continue }
        current = TorchScriptClass(
          qualifiedName: "\(module).\(header[..<open])", parameters: [], buffers: [])
        continue
      }
      guard current != nil else { continue }
      if !line.hasPrefix(" ") && !line.isEmpty {
        if let c = current { out.append(c) }
        current = nil
        continue
      }
      let trimmed = line.drop { $0 == " " }
      for (field, isParameter) in [("__parameters__ = ", true), ("__buffers__ = ", false)]
      where trimmed.hasPrefix(field) {
        let names = try stringList(trimmed.dropFirst(field.count), context: context)
        if isParameter { current?.parameters = names } else { current?.buffers = names }
      }
    }
    if let c = current { out.append(c) }
    return out
  }

  /// `["a", "b", ]` → `["a", "b"]`.
  static func stringList(_ text: Substring, context: String) throws(FormatError) -> [String] {
    let body = text.trimmingCharacters(in: .whitespaces)
    guard body.hasPrefix("["), body.hasSuffix("]") else {
      throw FormatError(.corrupt, "\(context): expected a list of names, found '\(body)'")
    }
    var names: [String] = []
    for part in body.dropFirst().dropLast().split(separator: ",") {
      let item = part.trimmingCharacters(in: .whitespaces)
      if item.isEmpty { continue }
      guard item.count >= 2, item.hasPrefix("\""), item.hasSuffix("\"") else {
        throw FormatError(.corrupt, "\(context): expected a quoted name, found '\(item)'")
      }
      names.append(String(item.dropFirst().dropLast()))
    }
    return names
  }
}
