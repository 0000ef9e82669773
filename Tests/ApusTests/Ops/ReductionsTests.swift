import Foundation
import Testing
@testable import Apus

// Reductions, scans, norms and order statistics beyond the op table (Scripts/opinfo/reductions.py):
// inputs large enough to take the kernels' parallel paths (one long row split in chunks, groups of
// more than 512 adjacent lines, many rows), checked against plain loops; the refusals' messages;
// the Swift spellings.

/// `count` values of a seeded generator in [low, high), as doubles.
private func values(_ count: Int, seed: UInt64, low: Double = -1, high: Double = 1) -> [Double] {
    RandomGenerator(seed: seed).uniforms(count).map { low + (high - low) * $0 }
}

@Suite struct ReductionKernelPathTests {
    @Test func longRowProductIsSplitInChunksAndMatchesALoop() {
        // 100 000 values near 1: more than three chunks of 2^15 on the thread pool.
        let v = values(100_000, seed: 1, low: 0.999, high: 1.001)
        let x = Tensor(shape: [v.count], values: v, dtype: .float64)
        let expected = v.reduce(1.0) { $0 * $1 }
        #expect(Swift.abs(x.prod().item() - expected) <= 1e-12 * Swift.abs(expected))
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(Swift.abs(vectorNorm(x).item() - norm) <= 1e-12 * norm)
        #expect(vectorNorm(x, ord: .infinity).item() == v.map { Swift.abs($0) }.max()!)
        #expect(vectorNorm(x, ord: -.infinity).item() == v.map { Swift.abs($0) }.min()!)
        #expect(x.amax().item() == v.max()! && x.amin().item() == v.min()!)
    }

    @Test func wideColumnsReduceInGroupsOfLines() {
        // [5, 1500] along axis 0: each output is a column; 1500 columns make three groups.
        let (rows, columns) = (5, 1500)
        var v = values(rows * columns, seed: 2)
        v[3 * columns + 700] = .nan
        let x = Tensor(shape: [rows, columns], values: v, dtype: .float64)
        let maxima = x.amax(axes: [0]).toDoubles()
        let picked = x.maxWithIndices(axis: 0)
        let indices = picked.indices.toArray(as: Int64.self)
        let products = x.prod(axis: 0).toDoubles()
        for c in 0..<columns {
            let column = (0..<rows).map { v[$0 * columns + c] }
            if c == 700 {
                #expect(maxima[c].isNaN && indices[c] == 3)
                continue
            }
            #expect(maxima[c] == column.max()!)
            #expect(indices[c] == Int64(column.firstIndex(of: column.max()!)!))
            #expect(Swift.abs(products[c] - column.reduce(1.0) { $0 * $1 }) <= 1e-15)
        }
    }

    @Test func scansAlongTheFirstAxisOfWideBlocks() {
        let (rows, columns) = (4, 1300)
        let ints = (0..<(rows * columns)).map { Int64(($0 * 7919) % 23) - 11 }
        let x = Tensor(scalars: ints, shape: [rows, columns])
        let sums = x.cumsum(axis: 0).toArray(as: Int64.self)
        let maxima = x.cummax(axis: 0)
        let (mv, mi) = (maxima.values.toArray(as: Int64.self), maxima.indices.toArray(as: Int64.self))
        for c in 0..<columns {
            var (running, best, at): (Int64, Int64, Int64) = (0, .min, 0)
            for r in 0..<rows {
                let value = ints[r * columns + c]
                running += value
                if value >= best { (best, at) = (value, Int64(r)) }
                #expect(sums[r * columns + c] == running)
                #expect(mv[r * columns + c] == best && mi[r * columns + c] == at)
            }
        }
    }

    @Test func manyRowsOnThePool() {
        // 20 000 rows of 7: the rows are split over the pool's threads.
        let (rows, n) = (20_000, 7)
        let v = values(rows * n, seed: 3)
        let x = Tensor(shape: [rows, n], values: v, dtype: .float64)
        let l1 = vectorNorm(x, ord: 1, axes: [1]).toDoubles()
        let cumulative = x.logcumsumexp(axis: 1).toDoubles()
        let medians = x.median(axis: 1).values.toDoubles()
        for r in stride(from: 0, to: rows, by: 997) {
            let row = Array(v[(r * n)..<((r + 1) * n)])
            #expect(Swift.abs(l1[r] - row.reduce(0) { $0 + Swift.abs($1) }) < 1e-12)
            #expect(medians[r] == row.sorted()[(n - 1) / 2])
            var total = 0.0
            for (j, value) in row.enumerated() {
                total += Foundation.exp(value)
                #expect(Swift.abs(cumulative[r * n + j] - Foundation.log(total)) < 1e-12)
            }
        }
    }

    @Test func quantilesOfAWideBlockMatchSortedColumns() {
        let (rows, columns) = (9, 600)
        let v = values(rows * columns, seed: 4)
        let x = Tensor(shape: [rows, columns], values: v, dtype: .float64)
        let q = x.quantile(q: 0.3, axis: 0).toDoubles()
        for c in stride(from: 0, to: columns, by: 37) {
            let column = (0..<rows).map { v[$0 * columns + c] }.sorted()
            // rank 0.3 · 8 = 2.4: between the third and fourth smallest.
            let expected = column[2] + 0.4 * (column[3] - column[2])
            #expect(Swift.abs(q[c] - expected) < 1e-12)
        }
    }

    @Test func integerAndBooleanResultsFollowPyTorch() {
        let i = Tensor([[3, -7], [2, 9]])
        #expect(i.prod(axis: 1).dtype == .int64 && i.prod(axis: 1).toArray(as: Int64.self) == [-21, 18])
        #expect(i.amax(axes: [0]).dtype == .int64 && i.amax(axes: [0]).toArray(as: Int64.self) == [3, 9])
        let b = Tensor([[true, false, true], [true, true, true]])
        #expect(b.cumsum(axis: 1).dtype == .int64 && b.cumsum(axis: 1).toArray(as: Int64.self) == [1, 1, 2, 1, 2, 3])
        #expect(b.amin(axes: [1]).dtype == .bool && b.amin(axes: [1]).toArray(as: Bool.self) == [false, true])
        #expect(b.countNonzero().dtype == .int64 && b.countNonzero().item() == 5)
        // int64 products wrap around as PyTorch's do (Swift's * would trap).
        #expect(Tensor(scalars: [Int64(1) << 62, 4]).prod().toArray(as: Int64.self) == [0])
    }
}

@Suite struct ReductionSpellingTests {
    @Test func wholeTensorAllAndAnyStayBooleans() {
        let x = Tensor([[1.0, 0.0], [2.0, 3.0]])
        let everything: Bool = x.all(), something: Bool = x.any()
        #expect(!everything && something)
        #expect(x.all(axes: nil).shape == [] && x.all(axes: nil).dtype == .bool)
        #expect(x.all(axis: 1).toArray(as: Bool.self) == [false, true])
        #expect(x.any(axis: 0, keepDims: true).shape == [1, 2])
    }

    @Test func maxWithIndicesKeepsTheValuesOnlyFormsGradient() {
        // max(axis:) shares the gradient among ties; maxWithIndices sends it to the first index.
        let x = Tensor([1.0, 3.0, 3.0], dtype: .float64).requiringGrad()
        x.max(axis: 0).backward()
        #expect(x.grad!.toDoubles() == [0, 0.5, 0.5])
        let y = Tensor([1.0, 3.0, 3.0], dtype: .float64).requiringGrad()
        let (values, indices) = y.maxWithIndices(axis: 0)
        values.backward()
        #expect(indices.item() == 1 && y.grad!.toDoubles() == [0, 1, 0])
        let (lo, hi) = y.aminmax()
        #expect(lo.item() == 1 && hi.item() == 3)
    }

    @Test func normOrdersReadLikePyTorch() {
        let orders: [NormOrder] = [2, 0.5, .infinity, .negativeInfinity, .frobenius, .nuclear]
        #expect(orders.map(\.description) == ["2", "0.5", "inf", "-inf", "fro", "nuc"])
        let m = Tensor([[1.0, -2.0], [3.0, 4.0]], dtype: .float64)
        #expect(m.norm().item() == 30.0.squareRoot())
        #expect(m.norm(p: .frobenius).item() == 30.0.squareRoot())
        #expect(m.matrixNorm(ord: 1).item() == 6)
        #expect(m.matrixNorm(ord: .infinity).item() == 7)
        #expect(m.vectorNorm(ord: 1, axes: [0]).toDoubles() == [4, 6])
    }

    @Test func quantileTakesANumberOrATensor() {
        let x = Tensor([1.0, 2.0, 3.0, 4.0], dtype: .float64)
        #expect(x.quantile(q: 0.5).item() == 2.5)
        #expect(x.quantile(q: Tensor([0.0, 1.0], dtype: .float64)).toDoubles() == [1, 4])
        // Position 1.5: nearest rounds half to even, to position 2 (as torch.round).
        let expected: [QuantileInterpolation: Double] = [.linear: 2.5, .lower: 2, .higher: 3, .midpoint: 2.5, .nearest: 3]
        for mode in QuantileInterpolation.allCases {
            #expect(x.quantile(q: 0.5, interpolation: mode).item() == expected[mode])
        }
    }
}

@Suite struct ReductionErrorTests {
    @Test func maximumOfAnEmptyAxis() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 0, 4]).amax(axes: [1])
        }
        let message = stderrText(result)
        #expect(message.contains("amax: reducing axis 1 of size 0 (shape [2, 0, 4])"))
    }

    @Test func maximumOfNothing() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 0]).max()
        }
        #expect(stderrText(result).contains("max: the tensor of shape [2, 0] has no elements"))
    }

    @Test func meanOfIntegers() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2, 3]).mean()
        }
        #expect(stderrText(result).contains("mean: expected a floating-point tensor, got int64"))
    }

    @Test func argmaxOfBooleans() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([true, false]).argmax()
        }
        #expect(stderrText(result).contains("argmax: not defined for bool tensors"))
    }

    @Test func infinityNormOfNothing() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = vectorNorm(Tensor.zeros([0, 3]), ord: .infinity)
        }
        #expect(stderrText(result).contains("vectorNorm: the inf norm of no elements is undefined (shape [0, 3]"))
    }

    /// The spectral norm is the largest singular value, the nuclear norm their sum (a rotation by
    /// 30° scaled by diag(3, 2) has singular values 3 and 2, whatever the rotation).
    @Test func spectralAndNuclearNormsFromSingularValues() {
        let (c, s): (Double, Double) = (0.75.squareRoot(), 0.5)  // cos and sin of 30°
        let a = Tensor(shape: [2, 2], values: [3 * c, -2 * s, 3 * s, 2 * c], dtype: .float64)
        #expect(Swift.abs(matrixNorm(a, ord: 2).item() - 3) < 1e-12)
        #expect(Swift.abs(matrixNorm(a, ord: -2).item() - 2) < 1e-12)
        #expect(Swift.abs(a.norm(p: .nuclear).item() - 5) < 1e-12)
        #expect(matrixNorm(a.reshape([1, 2, 2]), ord: .nuclear, keepDims: true).shape == [1, 1, 1])
    }

    @Test func quantileOutsideTheUnitInterval() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1.0, 2.0]).quantile(q: 1.5)
        }
        #expect(stderrText(result).contains("quantile: q must be in [0, 1], got 1.5"))
    }

    @Test func scanAxisOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).cumsum(axis: 2)
        }
        #expect(stderrText(result).contains("cumsum: axis 2 out of range for tensor of shape [2, 3]"))
    }
}
