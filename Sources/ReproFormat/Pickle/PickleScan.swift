/// A first pass over a pickle that follows only the shape of its stack.
///
/// It tracks how many items the stack holds, how many MARKs are open and how deeply the
/// containers on it nest; nothing is built.
///
/// `Unpickler` runs it before the machine, so that a pickle made to exhaust memory is refused
/// for the limit it breaks (``Unpickler/Options/maxDepth``,
/// ``Unpickler/Options/maxStackItems``) after a few bytes of bookkeeping per item, not after
/// a node per item: a million empty lists later nested by `APPEND` cost 2 MB here, 200 MB in
/// the machine. The legacy reader also uses it to find where each pickle ends without copying
/// the file.
///
/// The heights are lower bounds of the machine's (memo references count as flat values), so
/// the scan refuses only what the machine would refuse at the same opcode or earlier; faults it
/// cannot judge (an unknown opcode, a truncated argument, a stack underflow) end the scan, and
/// the machine reports them with their full context.
@safe struct PickleScan {
  /// Where the scan stopped.
  enum Outcome: Equatable {
    /// A well-formed run of opcodes ending with STOP; the offset just past it.
    case ends(at: Int)
    /// A fault in the opcode at `offset` that the machine reports; `stackItems` were held
    /// when it was met; `runsPastEnd` when the pickle ends inside it.
    case malformed(offset: Int, stackItems: Int, runsPastEnd: Bool)

    /// Where the pickle ends, or nil for a fault the machine reports with its context.
    ///
    /// - Throws: `FormatError` for a fault met with more than ``PickleScan/largeStack`` items:
    ///   the machine would spend a node per item to reach it.
    func endOffset(context: String) throws(FormatError) -> Int? {
      switch self {
      case .ends(let at): return at
      case .malformed(let offset, let items, let runsPastEnd):
        guard items > PickleScan.largeStack else { return nil }
        throw FormatError(
          runsPastEnd ? .truncated : .corrupt,
          "\(context): the opcode at offset 0x\(String(offset, radix: 16)) "
            + (runsPastEnd ? "runs past the end of the pickle" : "is not valid here")
            + " (\(items) items on the stack)")
      }
    }
  }

  /// The stack size past which a fault found by the scan is reported by the scan itself: the
  /// machine would spend a node per item to reach the same fault.
  static let largeStack = 1 << 16

  private let raw: UnsafeRawBufferPointer
  private let count: Int
  private let context: String
  private let maxDepth: Int
  private let maxStackItems: Int
  /// Each item's nesting height (0 for values, saturated).
  private var heights: [UInt16] = []
  /// Where each open MARK's frame starts in `heights`.
  private var marks: [Int] = []
  private var position: Int
  private var opcodeOffset = 0
  private var opcodeName = "opcode"
  /// Whether an argument (or the next opcode) ran past the end.
  private var ranPastEnd = false

  /// Scans the pickle that starts at `start`.
  ///
  /// - Throws: `FormatError.Code.limitExceeded` when the nesting depth, the open MARKs or the
  ///   stack size pass the limits of `options`.
  static func run(
    _ raw: UnsafeRawBufferPointer, from start: Int, context: String, options: Unpickler.Options
  ) throws(FormatError) -> Outcome {
    var scan = unsafe PickleScan(raw: raw, start: start, context: context, options: options)
    return try scan.run()
  }

  private init(
    raw: UnsafeRawBufferPointer, start: Int, context: String, options: Unpickler.Options
  ) {
    unsafe self.raw = raw
    count = raw.count
    self.context = context
    maxDepth = options.maxDepth
    maxStackItems = options.maxStackItems
    position = start
  }

  private var frameStart: Int { marks.last ?? 0 }
  private var malformed: Outcome {
    .malformed(offset: opcodeOffset, stackItems: heights.count, runsPastEnd: ranPastEnd)
  }

  private func limit(_ what: String) -> FormatError {
    FormatError(
      .limitExceeded,
      "\(context): \(opcodeName) at offset 0x\(String(opcodeOffset, radix: 16)): \(what)")
  }

  private mutating func run() throws(FormatError) -> Outcome {
    while true {
      opcodeOffset = position
      opcodeName = "opcode"
      guard position < count else {
        ranPastEnd = true
        return malformed
      }
      guard let op = unsafe PickleOpcode(rawValue: raw[position]) else { return malformed }
      position += 1
      opcodeName = op.name
      if op == .stop {
        return heights.count > frameStart ? .ends(at: position) : malformed
      }
      guard try step(op) else { return malformed }
      if heights.count > maxStackItems {
        throw limit(
          "the stack holds more than \(maxStackItems) items (stack size limit)")
      }
      if heights.count > frameStart, let top = heights.last, Int(top) > maxDepth + 1 {
        throw limit("containers nested deeper than \(maxDepth) levels (nesting depth limit)")
      }
    }
  }

  // MARK: arguments

  /// Skips `count` argument bytes; false when they run past the end.
  private mutating func skip(_ count: Int) -> Bool {
    guard count <= self.count - position else {
      ranPastEnd = true
      return false
    }
    position += count
    return true
  }

  /// A little-endian unsigned argument of `width` bytes, or nil past the end.
  private mutating func unsigned(_ width: Int) -> UInt64? {
    guard width <= count - position else {
      ranPastEnd = true
      return nil
    }
    var v: UInt64 = 0
    for i in 0..<width { v |= UInt64(unsafe raw[position + i]) << (8 * UInt64(i)) }
    position += width
    return v
  }

  /// Skips `width` bytes of length, then that many bytes (`signed`: a negative length is a
  /// fault).
  private mutating func skipCounted(_ width: Int, signed: Bool = false) -> Bool {
    guard let n = unsigned(width) else { return false }
    if signed && n >= 1 << 31 { return false }
    guard n <= UInt64(count - position) else {
      ranPastEnd = true
      return false
    }
    position += Int(n)
    return true
  }

  /// Skips a newline-terminated argument.
  private mutating func skipLine() -> Bool {
    var p = position
    let n = count
    while p < n, unsafe raw[p] != 0x0A { p += 1 }
    guard p < n else {
      ranPastEnd = true
      return false
    }
    position = p + 1
    return true
  }

  // MARK: the stack

  private mutating func push(_ height: Int) {
    heights.append(UInt16(clamping: height))
  }

  private mutating func pop() -> Int? {
    guard heights.count > frameStart else { return nil }
    return Int(heights.removeLast())
  }

  /// The items of the innermost MARK, removed with it (nil without a MARK).
  private mutating func popFrame() -> (count: Int, tallest: Int)? {
    guard let start = marks.popLast() else { return nil }
    let count = heights.count - start
    let tallest = heights[start...].max().map(Int.init) ?? 0
    heights.removeLast(count)
    return (count, tallest)
  }

  /// Raises the top item (a container receiving items) to at least `height`.
  private mutating func raiseTop(to height: Int) -> Bool {
    guard heights.count > frameStart else { return false }
    let i = heights.count - 1
    heights[i] = max(heights[i], UInt16(clamping: height))
    return true
  }

  /// A container around items whose tallest is `tallest` (values are 0).
  private func container(over tallest: Int) -> Int { tallest + 1 }

  /// What a call on `args` makes, at least: `OrderedDict([(k, v)])` keeps only the pairs'
  /// items, two levels below the arguments tuple; `bytes(b)` is a value.
  private func callResult(args: Int) -> Int { max(0, args - 2) }

  // MARK: one opcode

  /// Applies `op` to the stack shape; false on a fault the machine reports.
  private mutating func step(_ op: PickleOpcode) throws(FormatError) -> Bool {
    switch op {
    case .stop: return true
    case .proto:
      guard let p = unsigned(1), p <= 5 else { return false }
    case .frame: return skipCounted(8)
    case .mark:
      guard marks.count <= maxDepth else {
        throw limit(
          "more than \(maxDepth + 1) MARKs open: containers nested deeper than \(maxDepth) levels (nesting depth limit)"
        )
      }
      marks.append(heights.count)
    case .pop:
      if heights.count > frameStart {
        heights.removeLast()
      } else {
        guard popFrame() != nil else { return false }
      }
    case .popMark: return popFrame() != nil
    case .dup:
      guard heights.count > frameStart, let top = heights.last else { return false }
      heights.append(top)

    // values: no nesting
    case .none, .newTrue, .newFalse: push(0)
    case .binInt1:
      guard skip(1) else { return false }
      push(0)
    case .binInt2:
      guard skip(2) else { return false }
      push(0)
    case .binInt:
      guard skip(4) else { return false }
      push(0)
    case .binFloat:
      guard skip(8) else { return false }
      push(0)
    case .long1, .shortBinUnicode, .shortBinString, .shortBinBytes:
      guard skipCounted(1) else { return false }
      push(0)
    case .long4, .binString:
      guard skipCounted(4, signed: true) else { return false }
      push(0)
    case .binUnicode, .binBytes:
      guard skipCounted(4) else { return false }
      push(0)
    case .binUnicode8, .binBytes8, .byteArray8:
      guard skipCounted(8) else { return false }
      push(0)
    case .int, .long, .float, .string, .unicode:
      guard skipLine() else { return false }
      push(0)
    case .global:
      guard skipLine(), skipLine() else { return false }
      push(0)
    case .stackGlobal:
      guard pop() != nil, pop() != nil else { return false }
      push(0)

    // memo: a fetched item counts as flat (a lower bound)
    case .binGet:
      guard skip(1) else { return false }
      push(0)
    case .longBinGet:
      guard skip(4) else { return false }
      push(0)
    case .get:
      guard skipLine() else { return false }
      push(0)
    case .binPut:
      guard skip(1) else { return false }
      return heights.count > frameStart
    case .longBinPut:
      guard skip(4) else { return false }
      return heights.count > frameStart
    case .put:
      guard skipLine() else { return false }
      return heights.count > frameStart
    case .memoize: return heights.count > frameStart

    // containers
    case .emptyTuple, .emptyList, .emptyDict, .emptySet: push(1)
    case .tuple, .list, .frozenSet:
      guard let frame = popFrame() else { return false }
      push(container(over: frame.tallest))
    case .dict:
      guard let frame = popFrame(), frame.count % 2 == 0 else { return false }
      push(container(over: frame.tallest))
    case .tuple1, .tuple2, .tuple3:
      let n = Int(op.rawValue - PickleOpcode.tuple1.rawValue) + 1
      guard heights.count - frameStart >= n else { return false }
      let tallest = Int(heights.suffix(n).max() ?? 0)
      heights.removeLast(n)
      push(container(over: tallest))
    case .append:
      guard let item = pop() else { return false }
      return raiseTop(to: container(over: item))
    case .appends, .addItems:
      guard let frame = popFrame() else { return false }
      return raiseTop(to: frame.count == 0 ? 0 : container(over: frame.tallest))
    case .setItem:
      guard let v = pop(), let k = pop() else { return false }
      return raiseTop(to: container(over: max(k, v)))
    case .setItems:
      guard let frame = popFrame(), frame.count % 2 == 0 else { return false }
      return raiseTop(to: frame.count == 0 ? 0 : container(over: frame.tallest))

    // calls and objects
    case .reduce, .newObj:
      guard let args = pop(), pop() != nil else { return false }
      push(callResult(args: args))
    case .newObjEx:
      guard pop() != nil, let args = pop(), pop() != nil else { return false }
      push(callResult(args: args))
    case .inst:
      guard skipLine(), skipLine(), let frame = popFrame() else { return false }
      push(callResult(args: container(over: frame.tallest)))
    case .obj:
      guard let frame = popFrame(), frame.count > 0 else { return false }
      push(callResult(args: container(over: frame.tallest)))
    case .build:
      guard let state = pop() else { return false }
      return raiseTop(to: state)
    case .binPersID:
      guard let pid = pop() else { return false }
      push(container(over: pid))
    case .persID:
      guard skipLine() else { return false }
      push(1)
    case .ext1, .ext2, .ext4, .nextBuffer, .readonlyBuffer:
      return false
    }
    return true
  }
}
