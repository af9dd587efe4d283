/// The old-to-new table of a transformation that rebuilds a value graph (casting, renaming,
/// resolving tensors): each `.shared` node is rebuilt once, and the back-references of cycles
/// point to the rebuilt node, not to the old one (which a weak back-reference would not keep
/// alive).
///
/// ```swift
/// case .shared(let s):
///   if let done = map.rebuilt(s) { return .shared(done) }
///   let new = PickleShared(transform(s.value))   // back-references inside wait for `new`
///   map.record(s, as: new)
///   return .shared(new)
/// case .backReference(let r): return map.reference(r)
/// ```
final class PickleSharedMap {
  private var done: [ObjectIdentifier: PickleShared] = [:]
  private var waiting: [ObjectIdentifier: [PickleBackReference]] = [:]

  /// The node `old` was rebuilt as, if it was.
  func rebuilt(_ old: PickleShared) -> PickleShared? { done[ObjectIdentifier(old)] }

  /// Records that `old` was rebuilt as `new`, and points the back-references to `old` made
  /// while rebuilding it at `new`.
  func record(_ old: PickleShared, as new: PickleShared) {
    let id = ObjectIdentifier(old)
    done[id] = new
    for r in waiting.removeValue(forKey: id) ?? [] { r.point(to: new) }
  }

  /// The rebuilt graph's back-reference for `old`.
  func reference(_ old: PickleBackReference) -> PickleValue {
    guard let target = old.target else { return .backReference(PickleBackReference()) }
    if let new = done[ObjectIdentifier(target)] {
      return .backReference(PickleBackReference(to: new))
    }
    let r = PickleBackReference()
    waiting[ObjectIdentifier(target), default: []].append(r)
    return .backReference(r)
  }
}
