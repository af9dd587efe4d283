import ReproTensor
import Testing

@Suite struct RowMajorIndexTests {
  @Test func stepsLikeAnOdometerAndWraps() {
    var index = [0, 0]
    var seen: [[Int]] = [index]
    var changed: [Int] = []
    for _ in 0..<6 {
      changed.append(index.stepRowMajor(in: [2, 3]))
      seen.append(index)
    }
    #expect(seen == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [0, 0]])
    #expect(changed == [1, 1, 0, 1, 1, -1])
  }

  @Test func stepsOverTheLeadingDimensionsOnly() {
    // Rows of a [2, 2, 5] array: the last dimension is not stepped.
    var index = [0, 1]
    #expect(index.stepRowMajor(in: [2, 2, 5]) == 0 && index == [1, 0])
  }

  @Test func aScalarIndexWrapsAtOnce() {
    var index: [Int] = []
    #expect(index.stepRowMajor(in: []) == -1)
  }
}
