import Testing
@testable import Apus

// Views share storage, copy-on-write keeps tensors independent, strides and subscripts.

/// Whether two tensors are views of one storage buffer.
private func sharesStorage(_ a: Tensor, _ b: Tensor) -> Bool { a.storage === b.storage }

/// 0 ..< 12 as int64 of shape [3, 4]: row r holds 4r, 4r+1, 4r+2, 4r+3.
private func grid() -> Tensor { Tensor.arange(12).reshape([3, 4]) }

@Suite struct ViewSharingTests {
    @Test func reshapeOfContiguousIsAView() {
        let x = Tensor.arange(6)
        let r = x.reshape([2, 3])
        #expect(sharesStorage(x, r))
        #expect(r.shape == [2, 3] && r.strides == [3, 1])
        #expect(r.toArray(as: Int64.self) == [0, 1, 2, 3, 4, 5])
        let inferred = x.reshape([-1, 2])
        #expect(inferred.shape == [3, 2] && sharesStorage(x, inferred))
    }

    @Test func reshapeOfNonContiguousCopiesInRowMajorOrder() {
        let t = grid().T  // [4, 3]: t[i, j] = 4j + i
        let r = t.reshape([12])
        #expect(!sharesStorage(t, r))
        #expect(r.toArray(as: Int64.self) == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
    }

    @Test func transposeAndPermuteAreViews() {
        let x = grid()
        let t = x.T
        #expect(sharesStorage(x, t))
        #expect(t.shape == [4, 3] && t.strides == [1, 4])
        #expect(!t.isContiguous)
        #expect(t.toArray(as: Int64.self) == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        #expect(x.transposed() == t && x.transposed(1, 0) == t && x.transposed(-1, -2) == t)

        let c = Tensor.arange(24).reshape([2, 3, 4])
        let p = c.permute([2, 0, 1])
        #expect(sharesStorage(c, p))
        #expect(p.shape == [4, 2, 3] && p.strides == [1, 12, 4])
        #expect(p.value(at: [3, 1, 2]) == c.value(at: [1, 2, 3]))  // 12 + 8 + 3
        #expect(p.value(at: [3, 1, 2]) == 23)
        let s = c.transposed(0, 2)
        #expect(s.shape == [4, 3, 2] && s.strides == [1, 4, 12])
    }

    @Test func slicesAreViews() {
        let x = grid()
        let rows = x[1..<3]
        #expect(sharesStorage(x, rows))
        #expect(rows.offset == 4 && rows.strides == [4, 1] && rows.isContiguous)
        let cols = x[.all, 1..<3]
        #expect(sharesStorage(x, cols))
        #expect(cols.offset == 1 && cols.shape == [3, 2] && cols.strides == [4, 1])
        #expect(!cols.isContiguous)
        #expect(cols.toArray(as: Int64.self) == [1, 2, 5, 6, 9, 10])
        let stepped = x.slice(axis: 1, start: 0, step: 3)
        #expect(stepped.shape == [3, 2] && stepped.strides == [4, 3])
        #expect(stepped.toArray(as: Int64.self) == [0, 3, 4, 7, 8, 11])
    }

    @Test func expandIsAStrideZeroView() {
        let x = Tensor([[1], [2]])
        let e = x.expand(to: [2, 3])
        #expect(sharesStorage(x, e))
        #expect(e.strides == [1, 0] && !e.isContiguous)
        #expect(e.toArray(as: Int64.self) == [1, 1, 1, 2, 2, 2])
        let lead = Tensor([5, 6]).expand(to: [3, 2])
        #expect(lead.strides == [0, 1])
        #expect(lead.toArray(as: Int64.self) == [5, 6, 5, 6, 5, 6])
    }

    @Test func squeezeUnsqueezeFlattenShareStorage() {
        let x = Tensor.arange(6).reshape([1, 2, 1, 3])
        #expect(x.squeezed().shape == [2, 3] && sharesStorage(x, x.squeezed()))
        #expect(x.squeezed(axis: 2).shape == [1, 2, 3])
        #expect(x.squeezed(axis: 1).shape == [1, 2, 1, 3])  // not of size 1: unchanged
        #expect(x.unsqueezed(axis: -1).shape == [1, 2, 1, 3, 1])
        #expect(x.unsqueezed(axis: 0).shape == [1, 1, 2, 1, 3] && sharesStorage(x, x.unsqueezed(axis: 0)))
        #expect(x.flatten().shape == [6] && sharesStorage(x, x.flatten()))
        #expect(x.flatten(startAxis: 1, endAxis: 2).shape == [1, 2, 3])
    }

    @Test func contiguousCopiesOnlyWhenNeeded() {
        let x = grid()
        #expect(sharesStorage(x, x.contiguous()))
        let t = x.T
        let c = t.contiguous()
        #expect(!sharesStorage(t, c))
        #expect(c.isContiguous && c.strides == [3, 1])
        #expect(c == t)
    }
}

@Suite struct CopyOnWriteTests {
    @Test func mutatingACopyLeavesTheOriginal() {
        let x = Tensor([[1.0, 2.0], [3.0, 4.0]])
        var y = x
        y.setValue(9, at: [0, 1])
        #expect(y.toDoubles() == [1, 9, 3, 4])
        #expect(x.toDoubles() == [1, 2, 3, 4])
        #expect(!sharesStorage(x, y))
    }

    @Test func mutatingTheOriginalLeavesEarlierViews() {
        var x = grid()
        let t = x.T, row = x[0], flat = x.reshape([12])
        x.setValue(-1, at: [0, 0])
        x[1, 1..<3] = Tensor([-5, -6])
        #expect(x.toArray(as: Int64.self) == [-1, 1, 2, 3, 4, -5, -6, 7, 8, 9, 10, 11])
        #expect(t.value(at: [0, 0]) == 0 && t.value(at: [1, 1]) == 5)
        #expect(row.toArray(as: Int64.self) == [0, 1, 2, 3])
        #expect(flat.toArray(as: Int64.self) == Array(0..<12))
    }

    @Test func mutatingAViewLeavesItsBase() {
        let x = grid()
        var row = x[1]
        row.setValue(99, at: [2])
        #expect(row.toArray(as: Int64.self) == [4, 5, 99, 7])
        #expect(x.value(at: [1, 2]) == 6)
    }

    @Test func subscriptAssignmentOnACopy() {
        let x = grid()
        let row = x[0]
        var y = x
        y[0, 1..<3] = Tensor([70, 80])
        #expect(y[0].toArray(as: Int64.self) == [0, 70, 80, 3])
        #expect(x[0].toArray(as: Int64.self) == [0, 1, 2, 3])
        #expect(row.toArray(as: Int64.self) == [0, 1, 2, 3])
    }

    @Test func uniqueOwnerMutatesInPlace() {
        var x = Tensor.zeros([4])
        let before = ObjectIdentifier(x.storage)
        x.setValue(1, at: [2])
        x[0] = Tensor(5.0)
        #expect(ObjectIdentifier(x.storage) == before)
        #expect(x.toDoubles() == [5, 0, 1, 0])
    }

    @Test func assignmentBroadcastsAndConverts() {
        var x = grid()
        x[.all, 0] = 0
        #expect(x.toArray(as: Int64.self) == [0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11])
        x[.all, stride(from: 1, to: 4, by: 2)] = Tensor([[-1, -3]])  // [1, 2] broadcast to [3, 2]
        #expect(x.toArray(as: Int64.self) == [0, -1, 2, -3, 0, -1, 6, -3, 0, -1, 10, -3])
        x[2, 2] = Tensor(2.7)  // converted to int64 by truncation
        #expect(x.value(at: [2, 2]) == 2)
        #expect(x.dtype == .int64)
    }

    @Test func assigningARegionOfItself() {
        var x = grid()
        x[0] = x[2]
        #expect(x.toArray(as: Int64.self) == [8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11])
        var y = grid()
        y[.all, 0..<2] = y[.all, 2..<4]
        #expect(y.toArray(as: Int64.self) == [2, 3, 2, 3, 6, 7, 6, 7, 10, 11, 10, 11])
    }
}

@Suite struct StrideAndContiguityTests {
    @Test func contiguousStrides() {
        #expect(Tensor.zeros([2, 3, 4]).strides == [12, 4, 1])
        #expect(Tensor.zeros([5]).strides == [1])
        #expect(Tensor.zeros([]).strides == [])
        #expect(Tensor.zeros([3, 0, 2]).strides == [2, 2, 1])
    }

    @Test func contiguity() {
        let x = grid()
        #expect(x.isContiguous)
        #expect(Tensor.zeros([]).isContiguous)
        #expect(x[1].isContiguous)
        #expect(x[0..<1].isContiguous)           // [1, 4]
        #expect(!x[.all, 0..<1].isContiguous)    // [3, 1] with row stride 4: elements 0, 4, 8
        #expect(!x[.all, 1].isContiguous)
        #expect(x.unsqueezed(axis: 1).isContiguous)
        #expect(x.T.T.isContiguous)
        #expect(!x.slice(axis: 0, step: 2).isContiguous)
        #expect(Tensor.zeros([1, 3]).T.isContiguous)  // [3, 1]: size-1 dimensions do not matter
    }
}

@Suite struct SubscriptTests {
    @Test func integerIndexRemovesTheDimension() {
        let x = grid()
        #expect(x[1].shape == [4])
        #expect(x[1].toArray(as: Int64.self) == [4, 5, 6, 7])
        #expect(x[2, 3].shape == [] && x[2, 3].item() == 11)
    }

    @Test func allAndIndex() {
        let c = grid()[.all, 2]
        #expect(c.shape == [3])
        #expect(c.toArray(as: Int64.self) == [2, 6, 10])
    }

    @Test func ranges() {
        let x = grid()
        #expect(x[1..<3].shape == [2, 4])
        #expect(x[1..<3].toArray(as: Int64.self) == Array(4..<12))
        #expect(x[0...1] == x[0..<2])
        #expect(x[1...] == x[1..<3])
        #expect(x[..<2] == x[0..<2])
        #expect(x[...1] == x[0..<2])
        #expect(x[1..<10] == x[1..<3])                  // ends clamp as in Python
        #expect(x.slice(axis: 0, start: 2, end: 1).shape == [0, 4])
        #expect(x[.all, 1..<3].toArray(as: Int64.self) == [1, 2, 5, 6, 9, 10])
    }

    @Test func ellipsisAndNewAxis() {
        let x = grid()
        let trailing = x[..., TensorIndex.newAxis]
        #expect(trailing.shape == [3, 4, 1])
        #expect(trailing.toArray(as: Int64.self) == Array(0..<12))
        #expect(x[..., .newAxis] == trailing)
        #expect(x[TensorIndex.newAxis].shape == [1, 3, 4])
        #expect(x[.newAxis].shape == [1, 3, 4])
        #expect(x[.at(-1), .slice(start: 1, step: 2)].toArray(as: Int64.self) == [9, 11])
        #expect(x[.all, .newAxis, 1..<3].shape == [3, 1, 2])
        #expect(x[..., 1].toArray(as: Int64.self) == [1, 5, 9])
        #expect(x[...] == x)
        let c = Tensor.arange(24).reshape([2, 3, 4])
        #expect(c[..., 1, 2].toArray(as: Int64.self) == [6, 18])
        #expect(c[..., 0..<2].shape == [2, 3, 2])
    }

    @Test func ellipsisAssignment() {
        var x = grid()
        x[..., 0] = Tensor(-1)
        #expect(x.toArray(as: Int64.self) == [-1, 1, 2, 3, -1, 5, 6, 7, -1, 9, 10, 11])
    }

    @Test func strideSlicing() {
        let x = grid()
        let s = x[.all, stride(from: 0, to: 4, by: 2)]
        #expect(s.shape == [3, 2])
        #expect(s.toArray(as: Int64.self) == [0, 2, 4, 6, 8, 10])
        #expect(x[TensorIndex.slice(start: nil, end: nil, step: 2)].toArray(as: Int64.self) == [0, 1, 2, 3, 8, 9, 10, 11])
        let v = Tensor.arange(10)
        #expect(v[stride(from: 1, to: 10, by: 3)].toArray(as: Int64.self) == [1, 4, 7])
        #expect(v[TensorIndex.slice(start: 2, end: 9, step: 4)].toArray(as: Int64.self) == [2, 6])
    }

    @Test func negativeIndices() {
        let x = grid()
        #expect(x[-1].toArray(as: Int64.self) == [8, 9, 10, 11])
        #expect(x[-1, -2].item() == 10)
        #expect(x[(-2)..., -1].toArray(as: Int64.self) == [7, 11])
        #expect(x[..<(-1)] == x[0..<2])
        #expect(x[.all, -3 ..< -1].toArray(as: Int64.self) == [1, 2, 5, 6, 9, 10])
    }

    @Test func subscriptsOnThreeDimensions() {
        let c = Tensor.arange(24).reshape([2, 3, 4])  // c[i, j, k] = 12i + 4j + k
        #expect(c[1, .all, 0].toArray(as: Int64.self) == [12, 16, 20])
        #expect(c[.all, 2].toArray(as: Int64.self) == [8, 9, 10, 11, 20, 21, 22, 23])
        #expect(c[1, 1..<3, stride(from: 1, to: 4, by: 2)].toArray(as: Int64.self) == [17, 19, 21, 23])
        #expect(sharesStorage(c, c[1, 1..<3, stride(from: 1, to: 4, by: 2)]))
    }
}
