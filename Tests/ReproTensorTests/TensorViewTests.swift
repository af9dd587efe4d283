import Testing

@testable import ReproTensor

@Suite struct TensorViewTests {
  let t = Tensor((0..<24).map { Float($0) }, shape: [2, 3, 4])

  @Test func contiguousStridesMatchPyTorch() {
    #expect(Tensor.contiguousStrides(for: [2, 3, 4]) == [12, 4, 1])
    #expect(Tensor.contiguousStrides(for: [2, 0, 4]) == [4, 4, 1])
    #expect(Tensor.contiguousStrides(for: []) == [])
  }

  @Test func transposeSharesStorageAndReordersElements() throws {
    let m = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3])
    let tt = try m.transposed(0, 1)
    #expect(tt.shape == [3, 2])
    #expect(tt.strides == [1, 3])
    #expect(!tt.isContiguous)
    #expect(tt.storage === m.storage)
    #expect(tt.contiguous().toArray(of: Float.self) == [1, 4, 2, 5, 3, 6])
  }

  @Test func viewFollowsComputeStride() throws {
    let v = try t.view([6, 4])
    #expect(v.strides == [4, 1])
    let p = try t.permuted([2, 0, 1])  // shape [4,2,3], strides [1,12,4]
    // Merging the last two dims of the permuted tensor is a valid view (12 = 3*4).
    let merged = try p.view([4, 6])
    #expect(merged.strides == [1, 4])
    #expect(throws: TensorError.self) { try t.transposed(0, 2).view([24]) }
    let r = try t.transposed(0, 2).reshaped([24])
    #expect(r.isContiguous)
    #expect(r.toArray(of: Float.self)[0...3] == [0, 12, 4, 16])
  }

  @Test func sliceWithStepAndSelect() throws {
    let s = try t.slice(dim: 2, start: 1, end: nil, step: 2)  // t[:, :, 1::2]
    #expect(s.shape == [2, 3, 2])
    #expect(s.strides == [12, 4, 2])
    #expect(s.storageOffset == 1)
    #expect(s.toArray(of: Float.self) == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23])
    let row = try t.select(dim: 1, index: -1)
    #expect(row.shape == [2, 4])
    #expect(row.storageOffset == 8)
    #expect(row.toArray(of: Float.self) == [8, 9, 10, 11, 20, 21, 22, 23])
  }

  @Test func expandUsesZeroStrides() throws {
    let col = Tensor([1, 2, 3] as [Int64], shape: [3, 1])
    let e = try col.expanded(to: [2, 3, 4])
    #expect(e.strides == [0, 1, 0])
    #expect(e.count == 24)
    #expect(e.toArray(of: Int64.self).prefix(8) == [1, 1, 1, 1, 2, 2, 2, 2])
    #expect(throws: TensorError.self) { try col.expanded(to: [2, 2]) }
  }

  @Test func geometryCheckRejectsOutOfBoundsAndOverflow() {
    let s = Storage(byteCount: 16)
    #expect(throws: TensorError.self) {
      try Tensor(storage: s, dtype: .float32, shape: [5], strides: [1])
    }
    #expect(throws: TensorError.self) {
      try Tensor(storage: s, dtype: .float32, shape: [Int.max, 2], strides: [Int.max, 1])
    }
    #expect(throws: TensorError.self) {
      try Tensor(storage: s, dtype: .float32, shape: [-1], strides: [1])
    }
    #expect(
      (try? Tensor(storage: s, dtype: .float32, shape: [0], strides: [1], storageOffset: 100))
        != nil)
  }

  @Test func deviceStringsRoundTrip() throws {
    for text in ["cpu", "cuda", "cuda:0", "cuda:12", "mps", "meta"] {
      #expect(try Device(parsing: text).description == text)
    }
    for bad in ["gpu", "cuda:", "cuda:-1", "cuda:01", "cuda:x"] {
      #expect(throws: TensorError.self) { try Device(parsing: bad) }
    }
  }
}
