/// The nested state dict `_EmptyStateDictLoadPlanner` rebuilds from `planner_data` paths
/// (torch's `set_element`: a str path part makes a dict, an int part a list padded with None).
final class DCPNest {
  enum Slot {
    case value(PickleValue)
    case nest(DCPNest)
  }

  let isList: Bool
  private var keys: [String] = []
  private var slots: [String: Slot] = [:]
  private var items: [Slot?] = []

  init(isList: Bool) { self.isList = isList }

  /// Largest list index accepted in a path.
  static let maximumIndex = 1 << 20

  private func child(_ part: DCPMetadata.PathPart, makingList: Bool, fqn: String, context: String)
    throws(FormatError) -> DCPNest
  {
    switch (part, isList) {
    case (.key(let k), false):
      if case .nest(let n)? = slots[k] { return n }
      if slots[k] != nil {
        throw FormatError(
          .corrupt, "\(context): planner_data path of '\(fqn)' goes through the value at '\(k)'")
      }
      let n = DCPNest(isList: makingList)
      keys.append(k)
      slots[k] = .nest(n)
      return n
    case (.index(let i), true):
      guard i <= DCPNest.maximumIndex else {
        throw FormatError(
          .limitExceeded, "\(context): planner_data path of '\(fqn)' has list index \(i)")
      }
      while items.count <= i { items.append(nil) }
      if case .nest(let n)? = items[i] { return n }
      if items[i] != nil {
        throw FormatError(
          .corrupt, "\(context): planner_data path of '\(fqn)' goes through the value at [\(i)]")
      }
      let n = DCPNest(isList: makingList)
      items[i] = .nest(n)
      return n
    default:
      throw FormatError(
        .corrupt,
        "\(context): planner_data path of '\(fqn)' mixes list indices and dict keys at one level")
    }
  }

  /// Stores `value` at `path`.
  func set(_ path: [DCPMetadata.PathPart], _ value: PickleValue, fqn: String, context: String)
    throws(FormatError)
  {
    var current = self
    for i in 1..<max(path.count, 1) where path.count > 1 {
      let makingList: Bool
      if case .index = path[i] { makingList = true } else { makingList = false }
      current = try current.child(path[i - 1], makingList: makingList, fqn: fqn, context: context)
    }
    guard let last = path.last else { return }
    switch (last, current.isList) {
    case (.key(let k), false):
      if current.slots[k] == nil { current.keys.append(k) }
      current.slots[k] = .value(value)
    case (.index(let i), true):
      guard i <= DCPNest.maximumIndex else {
        throw FormatError(
          .limitExceeded, "\(context): planner_data path of '\(fqn)' has list index \(i)")
      }
      while current.items.count <= i { current.items.append(nil) }
      current.items[i] = .value(value)
    default:
      throw FormatError(
        .corrupt,
        "\(context): planner_data path of '\(fqn)' mixes list indices and dict keys at one level")
    }
  }

  /// The nest as plain dicts and lists (unset list slots are None).
  var value: PickleValue {
    func convert(_ s: Slot?) -> PickleValue {
      switch s {
      case .value(let v)?: v
      case .nest(let n)?: n.value
      case nil: .none
      }
    }
    if isList { return .list(items.map(convert)) }
    return .dict(keys.map { PicklePair(.string($0), convert(slots[$0])) })
  }
}
