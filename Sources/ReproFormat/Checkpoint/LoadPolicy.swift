/// What loading does with a pickle that names classes outside the weights-only allowlist.
///
/// The allowlist is `torch.load(weights_only=True)`'s. Nothing in a file is ever executed,
/// whatever the policy. Policies may be added (an allowlist extended like torch's
/// `add_safe_globals`), so this is a struct with static members rather than an enum.
///
/// ```swift
/// try Checkpoint.load(contentsOf: url)                       // .weightsOnly: refuse, like torch
/// try Checkpoint.load(contentsOf: url, policy: .trusted)     // whole-model files, as .object nodes
/// ```
public struct LoadPolicy: Sendable, Hashable, CustomStringConvertible {
  private enum Kind: String, Sendable {
    case weightsOnly, trusted
  }
  private let kind: Kind
  private init(_ kind: Kind) { self.kind = kind }

  /// Refuse what `torch.load(weights_only=True)` refuses (PyTorch's default since 2.6).
  ///
  /// A forbidden global ends loading with `FormatError.Code.forbiddenGlobal`, whose
  /// ``FormatError/forbiddenGlobal`` names it.
  public static let weightsOnly = LoadPolicy(.weightsOnly)

  /// Read classes outside the allowlist as opaque `.global` / `.object` nodes.
  ///
  /// This is what whole-model files (`torch.save(model)`) need: `torch.load(weights_only=False)`
  /// would import and call those classes; Repro imports and calls nothing.
  /// ``Checkpoint/weightsOnlyRefusal`` still says why `torch.load(weights_only=True)` would
  /// refuse the file.
  public static let trusted = LoadPolicy(.trusted)

  /// The policy's name (`weightsOnly`, `trusted`).
  public var description: String { kind.rawValue }
}
