import ReproNN

/// The golden document of a `[[generate]]` case: the generated state dict's keys in order and
/// each tensor's dtype, shape and sha256 (`Scripts/make_suite_fixtures.py` writes the same
/// document from PyTorch's own `state_dict()`).
///
/// Stored as `<golden_dir>/generate/<name>-s<seed>-<dtype>.json`; a change shows up as the JSON
/// path of the tensor that changed (`tensors/0.weight/sha256`).
struct GeneratedInventory: Codable, Hashable, Sendable {
  /// One tensor of the state dict.
  struct TensorRecord: Codable, Hashable, Sendable {
    /// The PyTorch dtype name (`float32`).
    var dtype: String
    /// The sizes.
    var shape: [Int]
    /// The lowercase hex SHA-256 of the contiguous little-endian bytes.
    var sha256: String
  }

  /// The model spec.
  var model: String
  /// The seed as written in the suite.
  var seed: Int64
  /// The dtype the model was cast to.
  var dtype: String
  /// The state dict's keys, in order.
  var keys: [String]
  /// Every tensor by key.
  var tensors: [String: TensorRecord]

  /// The inventory of a model's state dict.
  init(model: String, seed: Int64, dtype: String, stateDict: StateDict) {
    self.model = model
    self.seed = seed
    self.dtype = dtype
    keys = stateDict.entries.map(\.key)
    var tensors: [String: TensorRecord] = [:]
    for e in stateDict.entries {
      tensors[e.key] = TensorRecord(
        dtype: e.tensor.dtype.pytorchName, shape: e.tensor.shape, sha256: e.tensor.sha256Hex())
    }
    self.tensors = tensors
  }
}
