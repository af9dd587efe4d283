/// The opcode loop behind `Unpickler`.
struct PickleMachine {
  var reader: PickleReader
  let options: Unpickler.Options
  var stack: [PickleItem] = []
  var metastack: [[PickleItem]] = []
  var memo: [Int: PickleItem] = [:]
  /// The first reason torch's weights-only unpickler would refuse this pickle.
  var refusal: String?
  /// Every node made, so that ``releaseNodes()`` can empty them all.
  let nodes = PickleNodeArena()

  init(bytes: [UInt8], offset: Int, context: String, options: Unpickler.Options) {
    reader = PickleReader(bytes: bytes, position: offset, context: context)
    self.options = options
  }

  // MARK: helpers

  /// Empties every node this machine made and drops the stacks and the memo.
  ///
  /// Self-referencing pickles (a list appended to itself) make reference cycles between nodes;
  /// emptying the nodes breaks them so that ARC frees the graph. Every node is emptied, not only
  /// those still reachable: a cycle that the pickle dropped (`POP`) or that an opcode had popped
  /// when it failed is reachable from nothing else.
  mutating func releaseNodes() {
    stack = []
    metastack = []
    memo = [:]
    nodes.emptyAll()
  }

  /// Records a weights-only violation; throws when opaque objects are not allowed.
  mutating func violate(_ why: String, code: FormatError.Code = .forbiddenGlobal)
    throws(FormatError)
  {
    let located =
      "\(why) (\(reader.opcodeName) at offset 0x\(String(reader.opcodeOffset, radix: 16)))"
    if refusal == nil { refusal = located }
    if options.policy == .weightsOnly {
      throw FormatError(code, "\(reader.context): \(located)")
    }
  }

  mutating func pop() throws(FormatError) -> PickleItem {
    guard let v = stack.popLast() else { throw reader.error(.corrupt, "stack underflow") }
    return v
  }

  func top() throws(FormatError) -> PickleItem {
    guard let v = stack.last else { throw reader.error(.corrupt, "stack underflow") }
    return v
  }

  mutating func popMark() throws(FormatError) -> [PickleItem] {
    guard let previous = metastack.popLast() else {
      throw reader.error(.corrupt, "no MARK on the stack (mark underflow)")
    }
    let items = stack
    stack = previous
    return items
  }

  mutating func push(_ v: PickleValue) { stack.append(.value(v)) }

  mutating func memoPut(_ index: Int) throws(FormatError) {
    let v = try top()
    if memo[index] == nil && memo.count >= options.maxMemoEntries {
      throw reader.error(.limitExceeded, "more than \(options.maxMemoEntries) memo entries")
    }
    memo[index] = v
  }

  mutating func memoGet(_ index: Int) throws(FormatError) {
    guard let v = memo[index] else { throw reader.error(.corrupt, "memo key \(index) not found") }
    stack.append(v)
  }

  mutating func decimal(_ what: String) throws(FormatError) -> Int {
    let l = try reader.line()
    guard let s = String(validating: l, as: UTF8.self), let v = Int(s), v >= 0 else {
      throw reader.error(.corrupt, "\(what) is not a non-negative decimal number")
    }
    return v
  }

  mutating func string(_ bytes: ArraySlice<UInt8>, what: String) throws(FormatError) -> PickleValue
  {
    .string(try reader.decodeUTF8(bytes, what: what))
  }

  // MARK: the loop

  mutating func run() throws(FormatError) -> PickleItem {
    while true {
      reader.opcodeOffset = reader.position
      reader.opcodeName = "opcode"
      let code = try reader.byte()
      guard let op = PickleOpcode(rawValue: code) else {
        reader.opcodeName = "opcode 0x\(String(code, radix: 16))"
        throw reader.error(.corrupt, "unknown opcode (Unsupported operand \(code))")
      }
      reader.opcodeName = op.name
      if !op.isWeightsOnlyOpcode {
        try violate("Unsupported operand \(code)", code: .unsupported)
      }
      if op == .stop {
        let v = try pop()
        return v
      }
      try execute(op)
      // Every opcode that makes or grows a container leaves it on top of the stack.
      if case .node(let n)? = stack.last, n.height > options.maxDepth + 1 {
        throw reader.error(
          .limitExceeded,
          "containers nested deeper than \(options.maxDepth) levels (nesting depth limit)")
      }
    }
  }

  mutating func execute(_ op: PickleOpcode) throws(FormatError) {
    switch op {
    case .stop: break
    case .proto:
      let p = try reader.byte()
      guard p <= 5 else { throw reader.error(.unsupported, "unsupported pickle protocol \(p)") }
    case .frame:
      _ = try reader.length(try reader.uint64(), what: "frame")
    case .mark:
      metastack.append(stack)
      stack = []
    case .pop:
      if stack.isEmpty { _ = try popMark() } else { _ = try pop() }
    case .popMark: _ = try popMark()
    case .dup: stack.append(try top())

    // scalars
    case .none: push(.none)
    case .newTrue: push(.bool(true))
    case .newFalse: push(.bool(false))
    case .binInt: push(.int(Int64(Int32(bitPattern: try reader.uint32()))))
    case .binInt1: push(.int(Int64(try reader.byte())))
    case .binInt2: push(.int(Int64(try reader.uint16())))
    case .long1:
      let n = Int(try reader.byte())
      push(.integer(twosComplement: Array(try reader.take(n))))
    case .long4:
      let n = Int(Int32(bitPattern: try reader.uint32()))
      guard n >= 0 else { throw reader.error(.corrupt, "negative LONG4 byte count \(n)") }
      push(.integer(twosComplement: Array(try reader.take(n))))
    case .int:
      let l = try reader.line()
      if l.elementsEqual("00".utf8) {
        push(.bool(false))
      } else if l.elementsEqual("01".utf8) {
        push(.bool(true))
      } else if let b = PickleText.integerBytes(l) {
        push(.integer(twosComplement: b))
      } else {
        throw reader.error(.corrupt, "argument is not a decimal integer")
      }
    case .long:
      guard let b = PickleText.integerBytes(try reader.line()) else {
        throw reader.error(.corrupt, "argument is not a decimal integer")
      }
      push(.integer(twosComplement: b))
    case .binFloat: push(.float(try reader.bigEndianDouble()))
    case .float:
      let s = String(decoding: try reader.line(), as: UTF8.self)
      guard let d = Double(s) else {
        throw reader.error(.corrupt, "argument '\(s)' is not a float")
      }
      push(.float(d))

    // strings and bytes
    case .binUnicode:
      let n = try reader.length(UInt64(try reader.uint32()), what: "string")
      push(try string(try reader.take(n), what: "string"))
    case .shortBinUnicode:
      let n = Int(try reader.byte())
      push(try string(try reader.take(n), what: "string"))
    case .binUnicode8:
      let n = try reader.length(try reader.uint64(), what: "string")
      push(try string(try reader.take(n), what: "string"))
    case .unicode:
      guard let s = PickleText.rawUnicodeEscape(try reader.line()) else {
        throw reader.error(.corrupt, "bad raw-unicode-escape text")
      }
      push(.string(s))
    case .shortBinString:
      let n = Int(try reader.byte())
      push(try string(try reader.take(n), what: "string"))
    case .binString:
      let n = Int(Int32(bitPattern: try reader.uint32()))
      guard n >= 0 else { throw reader.error(.corrupt, "negative BINSTRING length \(n)") }
      push(try string(try reader.take(n), what: "string"))
    case .string:
      guard let b = PickleText.quotedBytes(try reader.line()) else {
        throw reader.error(.corrupt, "argument is not a quoted string")
      }
      push(try string(b[...], what: "string"))
    case .binBytes:
      let n = try reader.length(UInt64(try reader.uint32()), what: "bytes")
      push(.bytes(Array(try reader.take(n))))
    case .shortBinBytes:
      let n = Int(try reader.byte())
      push(.bytes(Array(try reader.take(n))))
    case .binBytes8, .byteArray8:
      let n = try reader.length(try reader.uint64(), what: "bytes")
      push(.bytes(Array(try reader.take(n))))

    // containers
    case .emptyTuple: stack.append(.node(nodes.make(.tuple)))
    case .tuple: stack.append(.node(nodes.make(.tuple, try popMark())))
    case .tuple1, .tuple2, .tuple3:
      let n = Int(op.rawValue - PickleOpcode.tuple1.rawValue) + 1
      guard stack.count >= n else { throw reader.error(.corrupt, "stack underflow") }
      let items = Array(stack.suffix(n))
      stack.removeLast(n)
      stack.append(.node(nodes.make(.tuple, items)))
    case .emptyList: stack.append(.node(nodes.make(.list)))
    case .list: stack.append(.node(nodes.make(.list, try popMark())))
    case .emptyDict: stack.append(.node(nodes.make(.dict)))
    case .dict:
      let items = try popMark()
      guard items.count % 2 == 0 else {
        throw reader.error(.corrupt, "odd number of items for a dict")
      }
      stack.append(.node(nodes.make(.dict, items)))
    case .emptySet: stack.append(.node(nodes.make(.set)))
    case .frozenSet: stack.append(.node(nodes.make(.frozenSet, try popMark())))
    case .append:
      let item = try pop()
      try extend(with: [item], op: "append to")
    case .appends:
      let items = try popMark()
      try extend(with: items, op: "extend")
    case .addItems:
      let items = try popMark()
      guard case .node(let n) = try top(), case .set = n.kind else {
        throw reader.error(.corrupt, "ADDITEMS target is \(try top().pythonTypeName), not a set")
      }
      n.add(items)
    case .setItem:
      let v = try pop()
      let k = try pop()
      try setItems([k, v], op: "SETITEM")
    case .setItems:
      let items = try popMark()
      guard items.count % 2 == 0 else {
        throw reader.error(.corrupt, "odd number of items for SETITEMS")
      }
      try setItems(items, op: "SETITEMS")

    // memo
    case .binPut: try memoPut(Int(try reader.byte()))
    case .longBinPut: try memoPut(Int(try reader.uint32()))
    case .put: try memoPut(try decimal("memo index"))
    case .memoize: try memoPut(memo.count)
    case .binGet: try memoGet(Int(try reader.byte()))
    case .longBinGet: try memoGet(Int(try reader.uint32()))
    case .get: try memoGet(try decimal("memo index"))

    // globals, calls, objects
    case .global:
      let module = try reader.utf8Line(what: "module name")
      let name = try reader.utf8Line(what: "global name")
      try pushGlobal(module: module, name: name)
    case .stackGlobal:
      let n = try pop()
      let m = try pop()
      guard let name = n.stringValue, let module = m.stringValue else {
        throw reader.error(.corrupt, "STACK_GLOBAL needs two strings")
      }
      try pushGlobal(module: module, name: name)
    case .reduce:
      let args = try pop()
      let callable = try pop()
      stack.append(try reduce(callable, args))
    case .newObj:
      let args = try pop()
      let cls = try pop()
      stack.append(try newObject(cls, args))
    case .newObjEx:
      let kwargs = try pop()
      let args = try pop()
      let cls = try pop()
      if case .node(let k) = kwargs, case .dict = k.kind, !k.items.isEmpty {
        throw reader.error(.unsupported, "NEWOBJ_EX with keyword arguments")
      }
      stack.append(try newObject(cls, args))
    case .inst:
      let module = try reader.utf8Line(what: "module name")
      let name = try reader.utf8Line(what: "class name")
      let args = try popMark()
      try pushGlobal(module: module, name: name)
      let cls = try pop()
      stack.append(try reduce(cls, .node(nodes.make(.tuple, args))))
    case .obj:
      var items = try popMark()
      guard !items.isEmpty else { throw reader.error(.corrupt, "OBJ needs a class") }
      let cls = items.removeFirst()
      stack.append(try reduce(cls, .node(nodes.make(.tuple, items))))
    case .build:
      let state = try pop()
      try build(state)
    case .binPersID:
      let pid = try pop()
      try checkPersistentID(pid)
      stack.append(.node(nodes.make(.persistentID, [pid])))
    case .persID:
      let l = try reader.line()
      stack.append(
        .node(nodes.make(.persistentID, [.value(.string(String(decoding: l, as: UTF8.self)))])))
    case .ext1, .ext2, .ext4:
      throw reader.error(.unsupported, "extension registry codes are not supported")
    case .nextBuffer, .readonlyBuffer:
      throw reader.error(.unsupported, "out-of-band buffers are not supported")
    }
  }

  // MARK: semantics

  mutating func extend(with items: [PickleItem], op: String) throws(FormatError) {
    let target = try top()
    guard case .node(let n) = target else {
      throw reader.error(.corrupt, "cannot \(op) \(target.pythonTypeName)")
    }
    switch n.kind {
    case .list: n.add(items)
    case .set where op == "append to": n.add(items)
    default:
      try violate(
        "Can only \(op == "extend" ? "extend" : "append to") lists, but got \(n.pythonTypeName)",
        code: .corrupt)
      // A non-list target: keep the items as a BUILD-like extension of an opaque object.
      n.add(items)
    }
  }

  mutating func setItems(_ items: [PickleItem], op: String) throws(FormatError) {
    let target = try top()
    guard case .node(let n) = target else {
      throw reader.error(.corrupt, "\(op) target is \(target.pythonTypeName), not a dict")
    }
    switch n.kind {
    case .dict, .orderedDict:
      n.add(items)
    default:
      try violate(
        "Can only \(op) for dict, collections.OrderedDict, collections.Counter, but got \(n.pythonTypeName)",
        code: .corrupt)
      n.addAttributes(items)
    }
  }

  mutating func checkPersistentID(_ pid: PickleItem) throws(FormatError) {
    switch pid {
    case .value(.int): return
    case .node(let n):
      if case .tuple = n.kind {
        if let first = n.items.first, first.stringValue != "storage" {
          try violate(
            "Only persistent_load of storage is allowed, but got \(first.pythonTypeName)",
            code: .corrupt)
        }
        return
      }
    default: break
    }
    try violate(
      "persistent_load id must be tuple or int, but got \(pid.pythonTypeName)", code: .corrupt)
  }

  mutating func pushGlobal(module rawModule: String, name rawName: String) throws(FormatError) {
    let (module, name) = WeightsOnlyPolicy.mapPython2Name(module: rawModule, name: rawName)
    if let why = WeightsOnlyPolicy.refusal(module: module, name: name) {
      if refusal == nil {
        refusal = "\(why) (GLOBAL at offset 0x\(String(reader.opcodeOffset, radix: 16)))"
      }
      if options.policy == .weightsOnly {
        throw FormatError(
          .forbiddenGlobal,
          "\(reader.context): global '\(module).\(name)' is not allowed by the weights-only policy (offset 0x\(String(reader.opcodeOffset, radix: 16))): \(why)",
          forbiddenGlobal: PythonGlobal(module: module, name: name))
      }
    }
    push(.global(module: module, name: name))
  }

  func tupleItems(_ args: PickleItem) -> [PickleItem]? {
    if case .node(let n) = args, case .tuple = n.kind { return n.items }
    return nil
  }

  /// `callable(*args)`: known data constructors are interpreted, the rest kept as nodes.
  mutating func reduce(_ callable: PickleItem, _ args: PickleItem) throws(FormatError) -> PickleItem
  {
    guard case .value(.global(let module, let name)) = callable else {
      try violate(
        "Trying to call reduce for unrecognized function \(callable.pythonTypeName)", code: .corrupt
      )
      return .node(nodes.make(.reduce, [callable, args]))
    }
    if WeightsOnlyPolicy.isDType(module: module, name: name)
      || WeightsOnlyPolicy.isStorageClass(module: module, name: name)
    {
      try violate(
        "Trying to call reduce for unrecognized function \(module).\(name)", code: .corrupt)
    }
    let a = tupleItems(args)
    switch (module, name) {
    case ("collections", "OrderedDict"), ("collections", "Counter"):
      let node = nodes.make(module == "collections" && name == "OrderedDict" ? .orderedDict : .dict)
      if let a, a.count == 1, case .node(let src) = a[0] {
        // OrderedDict([(k, v), ...]) or OrderedDict(dict)
        switch src.kind {
        case .dict, .orderedDict: node.add(src.items)
        case .list, .tuple:
          // Pairs are tuples, or lists in the files of Python 2.7, whose OrderedDict.__reduce__
          // wrote `OrderedDict([[k, v], ...])` (torch's weights-only loader accepts both).
          for pair in src.items {
            guard case .node(let p) = pair, p.items.count == 2 else {
              throw reader.error(.corrupt, "\(name) argument is not a sequence of pairs")
            }
            switch p.kind {
            case .tuple, .list: node.add(p.items)
            default: throw reader.error(.corrupt, "\(name) argument is not a sequence of pairs")
            }
          }
        default: throw reader.error(.corrupt, "unsupported \(name) argument")
        }
      } else if a?.isEmpty != true {
        throw reader.error(.corrupt, "unsupported \(name) arguments")
      }
      return .node(node)
    case ("builtins", "set"), ("builtins", "frozenset"):
      let kind: PickleNode.Kind = name == "set" ? .set : .frozenSet
      guard let a else { throw reader.error(.corrupt, "\(name) arguments are not a tuple") }
      if a.isEmpty { return .node(nodes.make(kind)) }
      guard a.count == 1, case .node(let src) = a[0] else {
        throw reader.error(.corrupt, "\(name) argument is not a container")
      }
      return .node(nodes.make(kind, src.items))
    case ("_codecs", "encode"):
      guard let a, a.count == 2, let s = a[0].stringValue, let enc = a[1].stringValue else {
        throw reader.error(.corrupt, "_codecs.encode needs (str, encoding)")
      }
      switch enc.lowercased() {
      case "latin1", "latin-1", "iso-8859-1":
        var out: [UInt8] = []
        for u in s.unicodeScalars {
          guard u.value < 256 else {
            throw reader.error(.corrupt, "_codecs.encode: character beyond latin-1")
          }
          out.append(UInt8(u.value))
        }
        return .node(nodes.make(.leaf(.bytes(out))))
      case "utf-8", "utf8": return .node(nodes.make(.leaf(.bytes(Array(s.utf8)))))
      default: throw reader.error(.unsupported, "_codecs.encode with encoding '\(enc)'")
      }
    case ("builtins", "bytes"), ("builtins", "bytearray"):
      guard let a else { throw reader.error(.corrupt, "\(name) arguments are not a tuple") }
      if a.isEmpty { return .value(.bytes([])) }
      if a.count == 1, case .bytes(let b)? = a[0].leafValue { return .value(.bytes(b)) }
      return .node(nodes.make(.reduce, [callable, args]))
    default:
      if WeightsOnlyPolicy.refusal(module: module, name: name) != nil {
        return .node(nodes.make(.object(module: module, name: name, creation: .call), [args]))
      }
      return .node(nodes.make(.reduce, [callable, args]))
    }
  }

  mutating func newObject(_ cls: PickleItem, _ args: PickleItem) throws(FormatError) -> PickleItem {
    guard case .value(.global(let module, let name)) = cls else {
      try violate(
        "Can only create new object for nn.Parameter or classes allowlisted via `add_safe_globals` but got \(cls.pythonTypeName)",
        code: .corrupt)
      return .node(nodes.make(.reduce, [cls, args]))
    }
    if WeightsOnlyPolicy.refusal(module: module, name: name) == nil {
      // Allowed classes (Parameter, OrderedDict, set, ...): same meaning as a call.
      return try reduce(cls, args)
    }
    return .node(nodes.make(.object(module: module, name: name, creation: .newObject), [args]))
  }

  mutating func build(_ state: PickleItem) throws(FormatError) {
    let target = try top()
    if case .node(let n) = target {
      switch n.kind {
      case .orderedDict:
        guard case .node(let s) = state, case .dict = s.kind else {
          throw reader.error(
            .corrupt, "BUILD state of an OrderedDict is \(state.pythonTypeName), not a dict")
        }
        n.addAttributes(s.items)
        return
      case .object:
        if n.items.count == 1 { n.items.append(state) } else { n.items[1] = state }
        n.raiseHeight(over: [state])
        return
      case .reduce:
        // Tensor (legacy set_), Parameter state or another allowed object.
        break
      default:
        try violate(
          "Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, but got \(n.pythonTypeName)",
          code: .corrupt)
      }
      // Keep memo references valid: the node itself becomes the BUILD.
      let inner = nodes.make(n.kind, n.items)
      inner.addAttributes(n.attributes)
      n.kind = .build
      n.items = [.node(inner), state]
      n.attributes = []
      n.raiseHeight(over: n.items)
    } else {
      try violate(
        "Can only build Tensor, Parameter, OrderedDict or types allowlisted via `add_safe_globals`, but got \(target.pythonTypeName)",
        code: .corrupt)
      stack[stack.count - 1] = .node(nodes.make(.build, [target, state]))
    }
  }
}
