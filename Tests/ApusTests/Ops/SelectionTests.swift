import Testing
@testable import Apus

// Sorting and selection beyond the PyTorch comparisons of the op table (OpInfo+Selection.swift):
// the kernels' paths the fixtures are too small to reach (radix passes on long rows, top-k split
// over threads), checked against a reference computed here, and the error messages.

/// The stable ascending (or descending) order of `values` by Swift's stable sort: the reference.
private func referenceOrder(_ values: [Double], descending: Bool) -> [Int] {
    func key(_ v: Double) -> Double { v.isNaN ? .infinity : v }  // NaN after +inf: ranks below
    func rank(_ v: Double) -> Int { v.isNaN ? 1 : 0 }
    return values.indices.sorted { i, j in
        let (a, b) = (values[i], values[j])
        if rank(a) != rank(b) { return descending ? rank(a) > rank(b) : rank(a) < rank(b) }
        let (ka, kb) = (key(a), key(b))
        if ka == kb { return false }
        return descending ? ka > kb : ka < kb
    }
}

@Suite struct SortingKernelTests {
    @Test(arguments: [DType.float32, .float64, .int64], [false, true])
    func longRowsSortStablyAsSwiftDoes(dtype: DType, descending: Bool) {
        // Few distinct values (many ties) over 5000 elements: every radix pass runs.
        let g = RandomGenerator(seed: 7)
        let raw = Tensor.randint(-20, 20, shape: [3, 5000], generator: g).cast(to: dtype)
        let (values, indices) = raw.sort(axis: 1, descending: descending, stable: true)
        for r in 0..<3 {
            let row = raw[r].toDoubles()
            let expected = referenceOrder(row, descending: descending)
            #expect(indices[r].toArray(as: Int64.self).map(Int.init) == expected)
            #expect(values[r].toDoubles() == expected.map { row[$0] })
        }
    }

    @Test func floatsWithNaNAndSignedZerosSortAsPyTorch() {
        var row: [Double] = []
        let g = RandomGenerator(seed: 3)
        let noise = Tensor.randn([300], generator: g).toDoubles()
        for (i, v) in noise.enumerated() {
            row.append(i % 17 == 0 ? .nan : i % 13 == 0 ? -0.0 : i % 11 == 0 ? 0.0 : i % 7 == 0 ? -.infinity : v)
        }
        let x = Tensor(shape: [300], values: row, dtype: .float32)
        for descending in [false, true] {
            let order = x.argsort(descending: descending, stable: true).toArray(as: Int64.self).map(Int.init)
            #expect(order == referenceOrder(x.toDoubles(), descending: descending))
        }
    }

    @Test func sortAlongAFirstAxisMatchesTheTransposedSort() {
        let x = Tensor.randn([700, 3], generator: RandomGenerator(seed: 11))
        let (v0, i0) = x.sort(axis: 0, descending: true)
        let (v1, i1) = x.T.contiguous().sort(axis: 1, descending: true)
        #expect(v0 == v1.T.contiguous())
        #expect(i0 == i1.T.contiguous())
    }

    @Test(arguments: [1, 9, 1000, 12_000, 70_000])
    func topkOfALongRowIsTheStartOfTheSort(k: Int) {
        // 70 000 elements: long enough for the row to be split over the threads.
        let g = RandomGenerator(seed: 5)
        let x = Tensor.randint(0, 5000, shape: [70_000], generator: g).cast(to: .float32)
        for largest in [true, false] {
            let (values, indices) = x.topk(k, largest: largest)
            let sorted = x.sort(descending: largest, stable: true)
            #expect(values == sorted.values[0..<k])
            #expect(indices == sorted.indices[0..<k])
        }
    }

    @Test func topkOfManyRowsIsTheStartOfEachSort() {
        let x = Tensor.randn([64, 3000], dtype: .float64, generator: RandomGenerator(seed: 2))
        let (values, indices) = x.topk(40, axis: 1)
        let sorted = x.sort(axis: 1, descending: true)
        #expect(values == sorted.values[TensorIndex.all, 0..<40])
        #expect(indices == sorted.indices[TensorIndex.all, 0..<40])
    }

    @Test func kthvalueIsTheSortedElement() {
        let x = Tensor.randn([5, 1001], generator: RandomGenerator(seed: 9))
        let (v, i) = x.kthvalue(501, axis: 1)
        let sorted = x.sort(axis: 1)
        #expect(v == sorted.values[TensorIndex.all, 500])
        #expect(i == sorted.indices[TensorIndex.all, 500])
    }

    @Test func sortGradientGoesBackThroughTheIndices() {
        let x = Tensor([3.0, 1.0, 2.0], dtype: .float64).requiringGrad()
        let (values, _) = x.sort()
        (values * Tensor([1.0, 10.0, 100.0], dtype: .float64)).sum().backward()
        #expect(x.grad!.toDoubles() == [100, 1, 10])
    }
}

@Suite struct SelectionBehaviourTests {
    @Test func assigningAValueThatRequiresGradRecordsTheWrite() {
        let v = Tensor([5.0, 6.0], dtype: .float64).requiringGrad()
        var canvas = Tensor.zeros([2, 3], dtype: .float64)
        canvas[TensorIndex.all, Tensor([2, 0])] = v.unsqueezed(axis: 0)
        #expect(canvas.toDoubles() == [6, 0, 5, 6, 0, 5])
        (canvas * Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype: .float64)).sum().backward()
        // v[0] went to column 2 (3 + 6), v[1] to column 0 (1 + 4).
        #expect(v.grad!.toDoubles() == [9, 5])
    }

    @Test func maskAssignmentWritesInPlaceWithoutTouchingCopies() {
        let x = Tensor([[1.0, -2.0], [-3.0, 4.0]])
        var y = x
        y[y .< 0] = 0.5
        #expect(y.toDoubles() == [1, 0.5, 0.5, 4])
        #expect(x.toDoubles() == [1, -2, -3, 4])
    }

    @Test func amaxWithoutSelfGivesTheWholeGradientToTheSource() {
        // out[0] = max(3, 1) with self (also 3) left out: ∂out/∂src[0] is 1 (PyTorch gives 0.5).
        let s = Tensor([3.0, 5.0], dtype: .float64).requiringGrad()
        let src = Tensor([3.0, 1.0], dtype: .float64).requiringGrad()
        let out = s.scatterReduce(axis: 0, index: Tensor([0, 0]), source: src, reduce: .amax, includeSelf: false)
        #expect(out.toDoubles() == [3, 5])
        out.sum().backward()
        #expect(src.grad!.toDoubles() == [1, 0])
        #expect(s.grad!.toDoubles() == [0, 1])
    }

    @Test func indexOutOfRangeNamesTheIndexAndTheSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.zeros([4, 3])
            _ = x[Tensor([1, 7])]
        }
        let message = stderrText(result)
        #expect(message.contains("index 7"))
        #expect(message.contains("size 4"))
    }

    @Test func maskOfTheWrongShapeNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor.zeros([4, 3])
            _ = x[Tensor([true, false, true])]
        }
        let message = stderrText(result)
        #expect(message.contains("[3]"))
        #expect(message.contains("[4, 3]"))
    }

    @Test func scatterIndexOutOfRangeNamesTheAxis() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).scatter(axis: 1, index: Tensor([[0], [3]]), value: 1)
        }
        let message = stderrText(result)
        #expect(message.contains("scatter"))
        #expect(message.contains("index 3"))
        #expect(message.contains("dimension 1 with size 3"))
    }
}
