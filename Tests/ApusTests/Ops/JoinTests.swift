import Testing
@testable import Apus

// concat, stack, split and chunk.

@Suite struct ConcatStackTests {
    let a = Tensor([[1, 2], [3, 4]])
    let b = Tensor([[5, 6]])

    @Test func concatAlongRows() {
        let r = concat([a, b])
        #expect(r.shape == [3, 2])
        #expect(r.toArray(as: Int64.self) == [1, 2, 3, 4, 5, 6])
    }

    @Test func concatAlongColumnsAndNegativeAxis() {
        let c = Tensor([[7], [8]])
        let r = concat([a, c, a], axis: 1)
        #expect(r.shape == [2, 5])
        #expect(r.toArray(as: Int64.self) == [1, 2, 7, 1, 2, 3, 4, 8, 3, 4])
        #expect(concat([a, c], axis: -1) == concat([a, c], axis: 1))
    }

    @Test func concatPromotesAndAcceptsViews() {
        let r = concat([Tensor([1, 2]), Tensor([0.5])])
        #expect(r.dtype == .float32 && r.toDoubles() == [1, 2, 0.5])
        // Transposed and sliced inputs are read in logical order.
        let t = concat([a.T, a[.all, 1..<2].T])  // [[1, 3], [2, 4]] then [[2, 4]]
        #expect(t.toArray(as: Int64.self) == [1, 3, 2, 4, 2, 4])
        #expect(concat([a]) == a)
    }

    @Test func concatThreeDimensionsMiddleAxis() {
        let x = Tensor.arange(8).reshape([2, 2, 2]), y = Tensor.arange(100, 104).reshape([2, 1, 2])
        let r = concat([x, y], axis: 1)
        #expect(r.shape == [2, 3, 2])
        #expect(r.toArray(as: Int64.self) == [0, 1, 2, 3, 100, 101, 4, 5, 6, 7, 102, 103])
    }

    @Test func stackAddsAnAxis() {
        let p = Tensor([1, 2]), q = Tensor([3, 4]), s = Tensor([5, 6])
        let r0 = stack([p, q, s])
        #expect(r0.shape == [3, 2] && r0.toArray(as: Int64.self) == [1, 2, 3, 4, 5, 6])
        let r1 = stack([p, q, s], axis: 1)
        #expect(r1.shape == [2, 3] && r1.toArray(as: Int64.self) == [1, 3, 5, 2, 4, 6])
        #expect(stack([p, q, s], axis: -1) == r1)
        let m = stack([a, a * 10], axis: 1)
        #expect(m.shape == [2, 2, 2])
        #expect(m.toArray(as: Int64.self) == [1, 2, 10, 20, 3, 4, 30, 40])
    }
}

@Suite struct SplitChunkTests {
    let x = Tensor.arange(10).reshape([5, 2])

    @Test func splitBySizes() {
        let parts = x.split(sizes: [1, 3, 1])
        #expect(parts.map(\.shape) == [[1, 2], [3, 2], [1, 2]])
        #expect(parts[1].toArray(as: Int64.self) == [2, 3, 4, 5, 6, 7])
        #expect(parts[2].toArray(as: Int64.self) == [8, 9])
        #expect(parts.allSatisfy { $0.storage === x.storage })  // views
        #expect(concat(parts) == x)
        let cols = x.split(sizes: [1, 1], axis: -1)
        #expect(cols[1].toArray(as: Int64.self) == [1, 3, 5, 7, 9])
        #expect(x.split(sizes: [0, 5])[0].shape == [0, 2])
    }

    @Test func splitBySizeLeavesASmallerLastPiece() {
        let parts = x.split(size: 2)
        #expect(parts.map { $0.shape[0] } == [2, 2, 1])
        #expect(parts[2].toArray(as: Int64.self) == [8, 9])
    }

    @Test func chunkLikeTorch() {
        // torch.chunk: pieces of ceil(n / chunks), so fewer chunks may come back.
        let six = Tensor.arange(6)
        #expect(six.chunk(3).map { $0.toArray(as: Int64.self) } == [[0, 1], [2, 3], [4, 5]])
        #expect(six.chunk(4).map(\.count) == [2, 2, 2])
        #expect(Tensor.arange(5).chunk(2).map(\.count) == [3, 2])
        #expect(six.chunk(10).map(\.count) == [1, 1, 1, 1, 1, 1])
        #expect(x.chunk(2, axis: 1).map(\.shape) == [[5, 1], [5, 1]])
    }
}
