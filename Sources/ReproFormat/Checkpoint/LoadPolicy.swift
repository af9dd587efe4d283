/// What loading does with a pickle that names classes outside the weights-only allowlist.
///
/// The allowlist is `torch.load(weights_only=True)`'s. Nothing in a file is ever executed,
/// whatever the policy.
///
/// ```swift
/// try Checkpoint.load(contentsOf: url)                       // .weightsOnly: refuse, like torch
/// try Checkpoint.load(contentsOf: url, policy: .trusted)     // whole-model files, as .object nodes
/// ```
public enum LoadPolicy: Sendable, Hashable, CaseIterable {
  /// Refuse what `torch.load(weights_only=True)` refuses (PyTorch's default since 2.6): a
  /// forbidden global ends loading with `FormatError.Code.forbiddenGlobal`, whose
  /// ``FormatError/forbiddenGlobal`` names it.
  case weightsOnly
  /// Read classes outside the allowlist (whole-model files: `torch.save(model)`) as opaque
  /// `.global` / `.object` nodes, as `torch.load(weights_only=False)` would read them, but without
  /// importing or calling anything. ``Checkpoint/weightsOnlyRefusal`` still says why
  /// `torch.load(weights_only=True)` would refuse the file.
  case trusted
}
