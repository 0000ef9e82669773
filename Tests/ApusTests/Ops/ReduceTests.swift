import Foundation
import Testing
@testable import Apus

// Forward values of sum, mean, max, min, argmax, argmin, variance and std.

/// [[1, 2, 3], [4, 5, 6]] as float32.
private let m = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

@Suite struct SumMeanTests {
    @Test func sumOverEverythingIsZeroDimensional() {
        let s = m.sum()
        #expect(s.shape == [] && s.dtype == .float32 && s.item() == 21)
    }

    @Test(arguments: [
        (0, [5.0, 7, 9], [3]),
        (1, [6, 15], [2]),
        (-1, [6, 15], [2]),
        (-2, [5, 7, 9], [3]),
    ])
    func sumAlongOneAxis(axis: Int, expected: [Double], shape: [Int]) {
        let s = m.sum(axis: axis)
        #expect(s.shape == shape)
        #expect(s.toDoubles() == expected)
    }

    @Test func keepDims() {
        #expect(m.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(m.sum(axis: 0, keepDims: true).shape == [1, 3])
        #expect(m.sum(axes: [0, 1], keepDims: true).shape == [1, 1])
        #expect(m.sum(keepDims: true).toDoubles() == [21])
        // keepDims results broadcast back against the input: rows normalised to sum 1.
        let n = m / m.sum(axis: 1, keepDims: true)
        let shares: [Double] = [1.0 / 6, 2.0 / 6, 3.0 / 6, 4.0 / 15, 5.0 / 15, 6.0 / 15]
        #expect(Approx.equal(n, shares))
    }

    @Test func integerAndBoolSumsAreInt64() {
        let i = Tensor([[1, 2], [3, 4]]).sum(axis: 0)
        #expect(i.dtype == .int64 && i.toArray(as: Int64.self) == [4, 6])
        let b = Tensor([[true, false, true], [true, true, true]]).sum(axis: 1)
        #expect(b.dtype == .int64 && b.toArray(as: Int64.self) == [2, 3])
    }

    @Test func mean() {
        #expect(m.mean().item() == 3.5)
        #expect(m.mean(axis: 0).toDoubles() == [2.5, 3.5, 4.5])
        #expect(m.mean(axis: -1).toDoubles() == [2, 5])
        #expect(m.mean(axis: 1, keepDims: true).shape == [2, 1])
        let i = Tensor([1, 2]).cast(to: .float32).mean()
        #expect(i.dtype == .float32 && i.item() == 1.5)
    }

    @Test func nonContiguousInput() {
        #expect(m.T.sum(axis: 0) == m.sum(axis: 1))
        #expect(m.T.sum(axis: 1) == m.sum(axis: 0))
        #expect(m[.all, stride(from: 0, to: 3, by: 2)].sum(axis: 1).toDoubles() == [4, 10])
        #expect(Tensor([1.0, 2.0]).expand(to: [3, 2]).sum(axis: 0).toDoubles() == [3, 6])
    }

    static let axisSets: [[Int]] = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2], [-1], [-3, -1], [2, 0]]

    @Test(arguments: axisSets)
    func threeDimensionalSumMatchesLoops(axes: [Int]) {
        // t[i, j, k] = 12i + 4j + k with distinct, exactly representable values.
        let shape = [2, 3, 4]
        let t = Tensor(shape: shape, values: (0..<24).map(Double.init), dtype: .float64)
        let reduced = Set(axes.map { $0 < 0 ? $0 + 3 : $0 })
        let outShape = (0..<3).filter { !reduced.contains($0) }.map { shape[$0] }
        var expected = [Double](repeating: 0, count: outShape.reduce(1, *))
        var counts = expected
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            let kept = [i, j, k].enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
            var flat = 0
            for (d, v) in kept.enumerated() { flat = flat * outShape[d] + v }
            expected[flat] += Double(12 * i + 4 * j + k)
            counts[flat] += 1
        }}}
        let s = t.sum(axes: axes)
        #expect(s.shape == outShape)
        #expect(s.toDoubles() == expected)
        #expect(t.mean(axes: axes).toDoubles() == zip(expected, counts).map { $0 / $1 })
        #expect(t.sum(axes: axes, keepDims: true).shape == (0..<3).map { reduced.contains($0) ? 1 : shape[$0] })
    }

    @Test func sumOfManyFloat32ValuesIsAccurate() {
        // 10 000 × 0.1 in float32: one running float32 sum ends at 999.90 (error ≈ 0.1); the
        // 8 accumulation lanes keep the error about ten times smaller.
        let s = Tensor.full([10_000], value: 0.1).sum().item()
        #expect(Swift.abs(s - 1000) < 0.02)
    }
}

@Suite struct ExtremumTests {
    let x = Tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])

    @Test func maxMinValues() {
        #expect(x.max().item() == 6 && x.max().shape == [])
        #expect(x.min().item() == 1)
        #expect(x.max(axis: 0).toDoubles() == [4, 5, 6])
        #expect(x.max(axis: 1).toDoubles() == [5, 6])
        #expect(x.min(axis: 1).toDoubles() == [1, 2])
        #expect(x.min(axis: -2).toDoubles() == [1, 2, 3])
        #expect(x.max(axis: 1, keepDims: true).shape == [2, 1])
        #expect(x.T.max(axis: 0).toDoubles() == [5, 6])
        let i = Tensor([[3, -7], [2, 9]])
        #expect(i.max(axis: 1).dtype == .int64 && i.max(axis: 1).toArray(as: Int64.self) == [3, 9])
        #expect(i.min().toArray(as: Int64.self) == [-7])
    }

    @Test func maxPropagatesNaN() {
        let n = Tensor(scalars: [Float(1), .nan, 3])
        #expect(n.max().item().isNaN)
        #expect(n.min().item().isNaN)
        #expect(n.argmax().item() == 1)
        #expect(n.argmin().item() == 1)
    }

    @Test func argmaxArgmin() {
        #expect(x.argmax().item() == 5)  // flattened index
        #expect(x.argmin().item() == 0)
        #expect(x.argmax().dtype == .int64 && x.argmax().shape == [])
        #expect(x.argmax(axis: 1).toArray(as: Int64.self) == [1, 2])
        #expect(x.argmax(axis: 0).toArray(as: Int64.self) == [1, 0, 1])
        #expect(x.argmin(axis: -1).toArray(as: Int64.self) == [0, 1])
        #expect(x.argmax(axis: 1, keepDims: true).shape == [2, 1])
        #expect(x.argmax(keepDims: true).shape == [1, 1])
        #expect(x.T.argmax(axis: 1).toArray(as: Int64.self) == [1, 0, 1])
    }

    @Test func tiesGoToTheFirstIndex() {
        #expect(Tensor([3.0, 1.0, 3.0, 2.0]).argmax().item() == 0)
        #expect(Tensor([2.0, 1.0, 1.0]).argmin().item() == 1)
        #expect(Tensor([[1.0, 9.0, 9.0], [7.0, 7.0, 0.0]]).argmax(axis: 1).toArray(as: Int64.self) == [1, 0])
        #expect(Tensor([[5, 5], [5, 5]]).argmax(axis: 0).toArray(as: Int64.self) == [0, 0])
        #expect(Tensor.zeros([4]).argmin().item() == 0)
        #expect(Tensor([false, true, true]).cast(to: .int64).argmax().item() == 1)
    }
}

@Suite struct VarianceTests {
    @Test func besselCorrectedByDefault() {
        // [1, 2, 3, 4]: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
        let v = Tensor([1.0, 2.0, 3.0, 4.0], dtype: .float64)
        #expect(Swift.abs(v.variance().item() - 5.0 / 3.0) < 1e-15)
        #expect(v.variance(correction: 0).item() == 1.25)
        #expect(Swift.abs(v.std().item() - (5.0 / 3.0).squareRoot()) < 1e-15)
        let population: Double = 1.25
        #expect(v.std(correction: 0).item() == population.squareRoot())
    }

    @Test func alongAxes() {
        let x = Tensor([[1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 2.0, 2.0]], dtype: .float64)
        #expect(Approx.equal(x.variance(axis: 1), [5.0 / 3.0, 0], absolute: 1e-15))
        // Columns (1, 2), (2, 2), (3, 2), (4, 2): variance of two values is (a − b)² / 2.
        #expect(x.variance(axis: 0).toDoubles() == [0.5, 0, 0.5, 2])
        #expect(x.variance(axis: -2) == x.variance(axis: 0))
        #expect(x.std(axis: 0, keepDims: true).shape == [1, 4])
        let half: Double = 0.5, two: Double = 2
        let expectedStd: [Double] = [half.squareRoot(), 0, half.squareRoot(), two.squareRoot()]
        #expect(Approx.equal(x.std(axis: 0), expectedStd, absolute: 1e-15))
        #expect(Approx.equal([x.variance(axes: [0, 1], correction: 0).item()], [x.flatten().variance(correction: 0).item()]))
    }


    @Test func varianceIsShiftInvariantAndStable() {
        // A large common offset must not swamp the small spread (two-pass, not E[x²] − E[x]²).
        let x = Tensor(scalars: [100_000_001.0, 100_000_002, 100_000_003])
        #expect(x.variance().item() == 1)
    }
}
