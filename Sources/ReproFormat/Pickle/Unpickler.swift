/// A pickle virtual machine that builds a `PickleValue` tree and never executes anything.
///
/// It runs every opcode of protocols 0 to 5 that PyTorch files can contain. Globals are checked
/// against `WeightsOnlyPolicy`, mirroring `torch.load(weights_only=True)`: by default a pickle
/// that torch's weights-only loader would refuse is refused with torch's reason, the global or
/// opcode, and the byte offset. With `LoadPolicy.trusted` (whole-model files) such
/// globals become `.global` / `.object` nodes instead, and `Result.weightsOnlyRefusal` says why
/// torch would have refused the file.
///
/// Malformed input (truncation, unknown opcodes, stack or mark underflow, memo misses, lengths
/// beyond the bytes left, nesting beyond `Options.maxDepth`) throws a `FormatError` naming the
/// opcode and offset; nothing is allocated from a declared length before it is checked.
///
/// ```swift
/// let value = try Unpickler.unpickle(bytes, context: "archive/data.pkl").value
/// ```
public enum Unpickler {
  /// Limits and policy for one run.
  public struct Options: Sendable {
    /// What happens to globals outside the weights-only allowlist: an error (`.weightsOnly`) or
    /// opaque nodes (`.trusted`, what `torch.load(weights_only=False)` needs for whole-model
    /// files, without executing anything).
    public var policy: LoadPolicy
    /// The deepest container nesting accepted (default 300).
    public var maxDepth: Int
    /// The most memo entries accepted (default 2^24).
    public var maxMemoEntries: Int
    /// The most items the stack may hold at once, MARK frames included (default 2^22).
    ///
    /// Python's pickler keeps a few items per nesting level on the stack (lists and dicts
    /// are written in batches of 1000), plus the elements of a tuple being built; a pickle that
    /// holds millions is built to exhaust memory.
    public var maxStackItems: Int

    /// Creates options; the defaults refuse what torch's weights-only loader refuses.
    public init(
      _ policy: LoadPolicy = .weightsOnly, maxDepth: Int = 300, maxMemoEntries: Int = 1 << 24,
      maxStackItems: Int = 1 << 22
    ) {
      self.policy = policy
      self.maxDepth = maxDepth
      self.maxMemoEntries = maxMemoEntries
      self.maxStackItems = maxStackItems
    }

    /// Weights-only: refuse what `torch.load(weights_only=True)` refuses.
    public static let weightsOnly = Options(.weightsOnly)
    /// Trusted: classes outside the allowlist become opaque nodes; nothing is executed.
    public static let trusted = Options(.trusted)
  }

  /// What one pickle contained.
  public struct Result: Sendable {
    /// The value tree (raw layer: tensors are still `reduce` calls).
    public var value: PickleValue
    /// Why `torch.load(weights_only=True)` would refuse this pickle (torch's wording, with the
    /// offset), or nil when it would accept it.
    public var weightsOnlyRefusal: String?
    /// The offset just past the `STOP` opcode (legacy files hold several pickles in a row).
    public var endOffset: Int
  }

  /// Runs the pickle that starts at `offset` of `bytes`.
  ///
  /// - Parameters:
  ///   - bytes: the pickle (and possibly what follows it).
  ///   - offset: where the pickle starts.
  ///   - context: the file part named in error messages (`archive/data.pkl`).
  ///   - options: policy and limits.
  /// - Returns: the value tree, the weights-only verdict and where the pickle ended.
  /// - Throws: `FormatError` with code `.forbiddenGlobal` (policy), `.truncated`, `.corrupt`,
  ///   `.limitExceeded` or `.unsupported` (out-of-band buffers, extension codes).
  public static func unpickle(
    _ bytes: [UInt8], startingAt offset: Int = 0, context: String = "data.pkl",
    options: Options = .weightsOnly
  ) throws(FormatError) -> Result {
    // The stack's shape first: limits are refused before the machine allocates a node.
    try scan(bytes, startingAt: offset, context: context, options: options)
    var vm = PickleMachine(bytes: bytes, offset: offset, context: context, options: options)
    defer { vm.releaseNodes() }
    let root = try vm.run()
    let value = try PickleFreezer(maxDepth: options.maxDepth, context: context).freeze(root)
    return Result(value: value, weightsOnlyRefusal: vm.refusal, endOffset: vm.reader.position)
  }

  /// Runs ``PickleScan`` over the pickle at `offset`: refuses what breaks a limit, and a
  /// fault met with a large stack (the machine would build a node per item to reach it).
  ///
  /// - Returns: where the pickle ends, or nil when the machine must report a fault.
  @discardableResult
  static func scan(
    _ bytes: [UInt8], startingAt offset: Int, context: String, options: Options
  ) throws(FormatError) -> Int? {
    let outcome = unsafe bytes.withUnsafeBytes { raw in
      Swift.Result { () throws(FormatError) -> PickleScan.Outcome in
        unsafe try PickleScan.run(raw, from: offset, context: context, options: options)
      }
    }
    return try outcome.get().endOffset(context: context)
  }

  /// Why `torch.load(weights_only=True)` would refuse this pickle, or nil if it would accept
  /// it.
  ///
  /// A malformed pickle is reported with its error message.
  public static func weightsOnlyRefusal(for bytes: [UInt8]) -> String? {
    do {
      return try unpickle(bytes, options: .trusted).weightsOnlyRefusal
    } catch {
      return error.message
    }
  }
}
