import Dispatch
import Foundation
import Synchronization

/// Maps independent items on every core, results in the items' order.
///
/// Runs on `DispatchQueue.concurrentPerform`, the costliest items first so that the cores finish
/// together. Shared by ReproFormat (CRC checks, record copies, hashes) and ReproHarness
/// (comparison rows).
///
/// ```swift
/// let rows = ConcurrentMap.map(pairs, cost: { $0.count }, { compare($0) })
/// ```
package enum ConcurrentMap {
  /// `items.map(transform)`, computed concurrently.
  ///
  /// - Parameters:
  ///   - items: the inputs.
  ///   - cost: the work per item in bytes or elements; larger items start first, and a total
  ///     under ``serialBelow`` runs on the calling thread.
  ///   - transform: the work for one item; called once per item, from any thread.
  /// - Returns: the outputs in the order of `items`.
  package static func map<T: Sendable, R: Sendable>(
    _ items: [T], cost: (T) -> Int, _ transform: @Sendable (T) -> R
  ) -> [R] {
    let workers = min(items.count, ProcessInfo.processInfo.activeProcessorCount)
    if workers <= 1 || items.reduce(0, { $0 &+ max(cost($1), 0) }) < serialBelow {
      return items.map(transform)
    }
    let order = items.indices.sorted { cost(items[$0]) > cost(items[$1]) }
    let slots = Slots<R>(count: items.count)
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let k = next.add(1, ordering: .relaxed).oldValue
        if k >= order.count { break }
        let i = order[k]
        slots.set(i, transform(items[i]))
      }
    }
    return slots.values()
  }

  /// Total cost (bytes or elements) below which waking other threads costs more than it saves:
  /// 256 Ki bytes take tens of microseconds to check or hash, as long as a thread hand-off.
  package static let serialBelow = 1 << 18

  /// One result slot per item; each slot is written by exactly one worker.
  @safe private final class Slots<R>: @unchecked Sendable {
    // Sendable invariant: every index is taken by one worker (an atomic counter), which writes
    // only that slot; the slots are read after concurrentPerform has returned (it joins them).
    private let base: UnsafeMutablePointer<R?>
    private let count: Int

    init(count: Int) {
      self.count = count
      unsafe base = UnsafeMutablePointer<R?>.allocate(capacity: count)
      unsafe base.initialize(repeating: nil, count: count)
    }

    deinit {
      unsafe base.deinitialize(count: count)
      unsafe base.deallocate()
    }

    func set(_ i: Int, _ value: R) {
      precondition(i >= 0 && i < count)
      unsafe base[i] = value
    }

    func values() -> [R] {
      unsafe UnsafeBufferPointer(start: base, count: count).compactMap { $0 }
    }
  }
}
