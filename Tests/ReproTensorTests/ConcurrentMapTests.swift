import Foundation
import Synchronization
import Testing

@testable import ReproTensor

#if canImport(Glibc)
  import Glibc
#endif

/// Which threads ran a transform, keyed by `pthread_self`.
private final class ThreadLog: Sendable {
  private let ids = Mutex<Set<UInt>>([])
  func record() { ids.withLock { _ = $0.insert(UInt(bitPattern: Int(pthread_self()))) } }
  var all: Set<UInt> { ids.withLock { $0 } }
}

@Suite struct ConcurrentMapTests {
  @Test func resultsComeBackInTheItemsOrderWhateverTheCosts() {
    let items = Array(0..<1000)
    // Costs rise and fall so that the costliest-first schedule differs from the items' order.
    let mapped = ConcurrentMap.map(
      items, cost: { ($0 % 7) * ConcurrentMap.serialBelow }, { $0 * $0 })
    #expect(mapped == items.map { $0 * $0 })
  }

  @Test func smallTotalWorkRunsOnTheCallingThread() {
    let log = ThreadLog()
    let caller = UInt(bitPattern: Int(pthread_self()))
    let mapped = ConcurrentMap.map(
      Array(0..<64), cost: { _ in ConcurrentMap.serialBelow / 128 },
      { i -> Int in
        log.record()
        return i + 1
      })
    #expect(mapped == Array(1...64))
    #expect(log.all == [caller])
  }

  @Test func emptyInputGivesEmptyOutput() {
    #expect(ConcurrentMap.map([Int](), cost: { $0 }, { $0 }).isEmpty)
  }
}
