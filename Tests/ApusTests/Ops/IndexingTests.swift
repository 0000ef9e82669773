import Testing
@testable import Apus

// Forward values of indexSelect, gather, scatterAdd and oneHot (expected values worked out by hand).

@Suite struct IndexSelectTests {
    let x = Tensor([[1, 2], [3, 4], [5, 6]])  // int64 [3, 2]

    @Test func rowsInGivenOrderWithRepeats() {
        let r = x.indexSelect(axis: 0, indices: Tensor([2, 0, 2]))
        #expect(r.shape == [3, 2])
        #expect(r.dtype == .int64)
        #expect(r.toArray(as: Int64.self) == [5, 6, 1, 2, 5, 6])
    }

    @Test func columnsAlongLastAxis() {
        let r = x.indexSelect(axis: -1, indices: Tensor([1, 1, 0]))
        #expect(r.shape == [3, 3])
        #expect(r.toArray(as: Int64.self) == [2, 2, 1, 4, 4, 3, 6, 6, 5])
    }

    @Test func negativeIndexCountsFromTheEnd() {
        let r = x.indexSelect(axis: 0, indices: Tensor([-1, 0]))
        #expect(r.toArray(as: Int64.self) == [5, 6, 1, 2])
    }

    @Test func nonContiguousInput() {
        // x.T = [[1, 3, 5], [2, 4, 6]]
        let r = x.T.indexSelect(axis: 1, indices: Tensor([2, 0]))
        #expect(r.toArray(as: Int64.self) == [5, 1, 6, 2])
    }

    @Test func middleAxisOfThreeDims() {
        // t[i, j, k] = 100 i + 10 j + k, shape [2, 3, 2]
        let t = Tensor(shape: [2, 3, 2], values: [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121], dtype: .float32)
        let r = t.indexSelect(axis: 1, indices: Tensor([2, 2, 0, 1]))
        #expect(r.shape == [2, 4, 2])
        #expect(r.toDoubles() == [20, 21, 20, 21, 0, 1, 10, 11, 120, 121, 120, 121, 100, 101, 110, 111])
    }
}

@Suite struct GatherTests {
    @Test func alongLastAxis() {
        // torch.gather example: out[i][j] = x[i][index[i][j]]
        let x = Tensor([[1, 2], [3, 4]])
        let r = x.gather(axis: 1, index: Tensor([[0, 0], [1, 0]]))
        #expect(r.toArray(as: Int64.self) == [1, 1, 4, 3])
    }

    @Test func alongFirstAxis() {
        // out[i][j] = x[index[i][j]][j]
        let x = Tensor([[1.0, 2.0], [3.0, 4.0]])
        let r = x.gather(axis: 0, index: Tensor([[1, 0], [0, 0]]))
        #expect(r.dtype == .float32)
        #expect(r.toDoubles() == [3, 2, 1, 2])
    }

    @Test func indexShorterAlongAxisPicksOnePerRow() {
        // The cross-entropy pattern: one class per row.
        let logits = Tensor([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4]], dtype: .float64)
        let r = logits.gather(axis: 1, index: Tensor([[2], [0], [1]]))
        #expect(r.shape == [3, 1])
        #expect(r.toDoubles() == [0.7, 0.5, 0.3])
    }

    @Test func indexLongerAlongAxisRepeats() {
        let x = Tensor([[10, 20, 30]])
        let r = x.gather(axis: 1, index: Tensor([[2, 2, 1, 0, 2]]))
        #expect(r.shape == [1, 5])
        #expect(r.toArray(as: Int64.self) == [30, 30, 20, 10, 30])
    }

    @Test func transposedInput() {
        // x.T = [[1, 3], [2, 4]]
        let x = Tensor([[1, 2], [3, 4]])
        let r = x.T.gather(axis: 1, index: Tensor([[1], [0]]))
        #expect(r.toArray(as: Int64.self) == [3, 2])
    }
}

@Suite struct ScatterAddTests {
    @Test func repeatedIndicesAccumulate() {
        // A histogram: source longer than the destination along the axis.
        let r = Tensor.zeros([3]).scatterAdd(axis: 0, index: Tensor([0, 2, 0, 0, 1]),
                                              source: Tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
        #expect(r.shape == [3])
        #expect(r.toDoubles() == [1 + 3 + 4, 5, 2])
    }

    @Test func countsWithInt64() {
        let labels = Tensor([1, 1, 3, 1, 0])
        let counts = Tensor.zeros([4], dtype: .int64).scatterAdd(axis: 0, index: labels, source: .ones(like: labels))
        #expect(counts.dtype == .int64)
        #expect(counts.toArray(as: Int64.self) == [1, 3, 0, 1])
    }

    @Test func alongFirstAxisOf2D() {
        // out[index[i][j]][j] += source[i][j]
        let source = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        let index = Tensor([[0, 1, 0], [0, 0, 1]])
        let r = Tensor.zeros([2, 3]).scatterAdd(axis: 0, index: index, source: source)
        #expect(r.toDoubles() == [5, 5, 3,
                                  0, 2, 6])
    }

    @Test func alongLastAxisIntoNonZeroBase() {
        let base = Tensor([[1.0, 1.0], [1.0, 1.0]])
        let r = base.scatterAdd(axis: 1, index: Tensor([[1, 1, 1], [0, 1, 0]]),
                                source: Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        #expect(r.toDoubles() == [1, 7, 11, 6])
        #expect(base.toDoubles() == [1, 1, 1, 1])  // the input is not modified
    }

    @Test func promotesDtypes() {
        let r = Tensor.zeros([2], dtype: .int64).scatterAdd(axis: 0, index: Tensor([1, 1]), source: Tensor([0.5, 0.25]))
        #expect(r.dtype == .float32)
        #expect(r.toDoubles() == [0, 0.75])
    }
}

@Suite struct OneHotTests {
    @Test func vector() {
        let r = oneHot(Tensor([0, 2, 1]), classes: 3)
        #expect(r.shape == [3, 3])
        #expect(r.dtype == .float32)
        #expect(r.toDoubles() == [1, 0, 0,
                                  0, 0, 1,
                                  0, 1, 0])
    }

    @Test func matrixOfIndicesAddsTrailingAxis() {
        let r = oneHot(Tensor([[1, 0], [3, 3]]), classes: 4, dtype: .int64)
        #expect(r.shape == [2, 2, 4])
        #expect(r.dtype == .int64)
        #expect(r.toArray(as: Int64.self) == [0, 1, 0, 0, 1, 0, 0, 0,
                                              0, 0, 0, 1, 0, 0, 0, 1])
    }

    @Test func eachRowSumsToOneAndArgmaxRecoversIndex() {
        let labels = Tensor([4, 0, 9, 9, 2, 7])
        let r = oneHot(labels, classes: 10)
        #expect(r.sum(axis: 1).toDoubles() == [1, 1, 1, 1, 1, 1])
        #expect(r.argmax(axis: 1) == labels)
    }
}
