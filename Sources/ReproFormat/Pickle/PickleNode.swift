/// A mutable object under construction inside the pickle machine (a list still receiving
/// `APPENDS`, a dict receiving `SETITEMS`, an object receiving `BUILD`).
///
/// Memo entries point to
/// nodes, so a mutation is seen from every reference, as with Python objects.
final class PickleNode {
  enum Kind {
    case tuple, list, dict, orderedDict, set, frozenSet
    /// items: [callable, args]
    case reduce
    /// items: [object, state]
    case build
    /// items: [pid]
    case persistentID
    /// items: [args] then optionally [state]
    case object(module: String, name: String, creation: PickleObject.Creation)
    /// An immutable value made by a call (`_codecs.encode` bytes) that keeps the identity the
    /// pickle gives it: memoized and fetched again, it becomes `.shared`. No items.
    case leaf(PickleValue)
  }

  var kind: Kind
  /// Elements, or alternating keys and values for dicts.
  var items: [PickleItem]
  /// Alternating attribute names and values of an OrderedDict (`BUILD` with a dict state).
  var attributes: [PickleItem] = []

  // Freezing bookkeeping.
  var parentCount = 0
  var counted = false
  var frozen: PickleValue?
  var freezing = false
  /// The back-references made while this node was being frozen (the places of a cycle).
  var backReferences: [PickleBackReference] = []

  /// The nesting of nodes under this one, counting itself (1 for a node without node children).
  ///
  /// It is measured when children are added: the machine refuses a node taller than the depth
  /// limit as soon as it is made, not after the whole graph is built. A child that
  /// grows after it was added (a memo reference mutated later) is not propagated up; the
  /// freezer's depth check bounds those.
  var height = 1

  init(_ kind: Kind, _ items: [PickleItem] = []) {
    self.kind = kind
    self.items = items
    raiseHeight(over: items)
  }

  /// Appends `newItems` to the elements (dict keys and values alternate).
  func add(_ newItems: [PickleItem]) {
    items += newItems
    raiseHeight(over: newItems)
  }

  /// Appends `newItems` to the attributes.
  func addAttributes(_ newItems: [PickleItem]) {
    attributes += newItems
    raiseHeight(over: newItems)
  }

  /// Makes ``height`` exceed that of every node in `children`.
  func raiseHeight(over children: [PickleItem]) {
    for case .node(let child) in children where child.height >= height {
      height = child.height + 1
    }
  }

  /// Releases the children without recursion: a hostile pickle can nest 100,000 containers
  /// before the depth check sees them, and releasing such a chain recursively overflows the
  /// stack.
  ///
  /// Children only this node holds are detached into a worklist and emptied in turn;
  /// children still referenced elsewhere (the memo) are left intact.
  deinit {
    guard !items.isEmpty || !attributes.isEmpty else { return }
    var pending = items + attributes
    items = []
    attributes = []
    while var item = pending.popLast() {
      guard case .node(var node) = item else { continue }
      item = .value(.none)
      if isKnownUniquelyReferenced(&node) {
        pending.append(contentsOf: node.items)
        pending.append(contentsOf: node.attributes)
        node.items = []
        node.attributes = []
      }
    }
  }

  /// The Python type name of the node, for torch-style error messages.
  var pythonTypeName: String {
    switch kind {
    case .tuple: "<class 'tuple'>"
    case .list: "<class 'list'>"
    case .dict: "<class 'dict'>"
    case .orderedDict: "<class 'collections.OrderedDict'>"
    case .set: "<class 'set'>"
    case .frozenSet: "<class 'frozenset'>"
    case .reduce, .build, .persistentID: "<object>"
    case .object(let m, let n, _): "<class '\(m).\(n)'>"
    case .leaf(let v): "<class '\(v.typeName)'>"
    }
  }
}

/// A stack or memo entry: an immutable value, or a node that may still change.
enum PickleItem {
  case value(PickleValue)
  case node(PickleNode)

  var pythonTypeName: String {
    switch self {
    case .node(let n): n.pythonTypeName
    case .value(let v): "<class '\(v.typeName)'>"
    }
  }

  var stringValue: String? {
    if case .value(.string(let s)) = self { return s }
    return nil
  }

  /// The value of an immutable item (a value, or a `.leaf` node).
  var leafValue: PickleValue? {
    switch self {
    case .value(let v): v
    case .node(let n): if case .leaf(let v) = n.kind { v } else { nil }
    }
  }
}

/// Turns the node graph into an immutable `PickleValue` graph: nodes referenced more than once
/// become `.shared`, a node met again while it is being frozen (a cycle) becomes a
/// `.backReference` to its `.shared` value, nesting beyond the limit is an error.
struct PickleFreezer {
  let maxDepth: Int
  let context: String

  func freeze(_ root: PickleItem) throws(FormatError) -> PickleValue {
    try count(root, depth: 0)
    return try value(of: root, depth: 0)
  }

  private func tooDeep() -> FormatError {
    FormatError(
      .limitExceeded,
      "\(context): containers nested deeper than \(maxDepth) levels (nesting depth limit)")
  }

  private func children(_ n: PickleNode) -> [PickleItem] { n.items + n.attributes }

  private func count(_ item: PickleItem, depth: Int) throws(FormatError) {
    guard case .node(let n) = item else { return }
    guard depth <= maxDepth else { throw tooDeep() }
    n.parentCount += 1
    if n.counted { return }
    n.counted = true
    for c in children(n) { try count(c, depth: depth + 1) }
  }

  private func value(of item: PickleItem, depth: Int) throws(FormatError) -> PickleValue {
    switch item {
    case .value(let v): return v
    case .node(let n):
      if let f = n.frozen { return f }
      if n.freezing {
        // A cycle: the node contains itself. Point back at it; its box is made below.
        let r = PickleBackReference()
        n.backReferences.append(r)
        return .backReference(r)
      }
      guard depth <= maxDepth else { throw tooDeep() }
      n.freezing = true
      defer { n.freezing = false }
      var v = try build(n, depth: depth)
      if n.parentCount > 1 || !n.backReferences.isEmpty {
        let box = PickleShared(v)
        for r in n.backReferences { r.point(to: box) }
        n.backReferences = []
        v = .shared(box)
      }
      n.frozen = v
      return v
    }
  }

  private func list(_ items: [PickleItem], depth: Int) throws(FormatError) -> [PickleValue] {
    var out: [PickleValue] = []
    out.reserveCapacity(items.count)
    for i in items { out.append(try value(of: i, depth: depth + 1)) }
    return out
  }

  private func pairs(_ items: [PickleItem], depth: Int) throws(FormatError) -> [PicklePair] {
    var out: [PicklePair] = []
    out.reserveCapacity(items.count / 2)
    var i = 0
    while i + 1 < items.count {
      out.append(
        PicklePair(
          try value(of: items[i], depth: depth + 1), try value(of: items[i + 1], depth: depth + 1)))
      i += 2
    }
    return out
  }

  private func build(_ n: PickleNode, depth: Int) throws(FormatError) -> PickleValue {
    switch n.kind {
    case .tuple: return .tuple(try list(n.items, depth: depth))
    case .list: return .list(try list(n.items, depth: depth))
    case .set: return .set(try list(n.items, depth: depth))
    case .frozenSet: return .frozenSet(try list(n.items, depth: depth))
    case .dict: return .dict(try pairs(n.items, depth: depth))
    case .orderedDict:
      return .orderedDict(
        try pairs(n.items, depth: depth), attributes: try pairs(n.attributes, depth: depth))
    case .reduce:
      let v = try list(n.items, depth: depth)
      return .reduce(callable: v[0], args: v[1])
    case .build:
      let v = try list(n.items, depth: depth)
      return .build(v[0], state: v[1])
    case .persistentID:
      return .persistentID(try value(of: n.items[0], depth: depth + 1))
    case .object(let module, let name, let creation):
      let v = try list(n.items, depth: depth)
      return .object(
        PickleObject(
          module: module, name: name, args: v[0], state: v.count > 1 ? v[1] : nil,
          creation: creation))
    case .leaf(let v): return v
    }
  }
}

/// The nodes one ``PickleMachine`` made, kept so that all of them can be emptied when it is done
/// (``emptyAll()``), whatever still refers to them: emptying breaks every reference cycle among
/// them, so ARC frees the whole graph.
final class PickleNodeArena {
  /// The nodes made and not yet emptied, oldest first.
  private(set) var made: [PickleNode] = []

  /// A new node, remembered.
  func make(_ kind: PickleNode.Kind, _ items: [PickleItem] = []) -> PickleNode {
    let node = PickleNode(kind, items)
    made.append(node)
    return node
  }

  /// Empties every node made (items, attributes, freezing state) and forgets them.
  func emptyAll() {
    for node in made {
      node.items = []
      node.attributes = []
      node.frozen = nil
      node.backReferences = []
    }
    made = []
  }
}
