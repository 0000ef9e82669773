import Foundation
import Testing
@testable import Apus

// softmax, logSoftmax and logSumExp: values, normalisation and stability for large inputs.

@Suite struct SoftmaxTests {
    @Test func handComputedValues() {
        // e^k / (e + e² + e³) for k = 1, 2, 3.
        let z = Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)
        let expected = [Foundation.exp(1.0) / z, Foundation.exp(2.0) / z, Foundation.exp(3.0) / z]
        #expect(Approx.equal(softmax(Tensor([1.0, 2.0, 3.0], dtype: .float64)), expected, absolute: 1e-15))
        #expect(Approx.equal(softmax(Tensor([1.0, 2.0, 3.0])), [0.09003057, 0.24472847, 0.66524096], absolute: 1e-7))
        #expect(Approx.equal(Tensor([0.0, 0.0, 0.0, 0.0]).softmax(), [0.25, 0.25, 0.25, 0.25]))
    }

    @Test func rowsAndColumnsSumToOne() {
        let x = Tensor.randn([4, 7], generator: RandomGenerator(seed: 1)) * 3
        let rows = softmax(x)  // last axis
        #expect(rows.shape == [4, 7])
        #expect(Approx.equal(rows.sum(axis: 1), [1, 1, 1, 1], absolute: 1e-6))
        #expect(rows.toDoubles().allSatisfy { $0 > 0 && $0 < 1 })
        let cols = softmax(x, axis: 0)
        #expect(Approx.equal(cols.sum(axis: 0), [Double](repeating: 1, count: 7), absolute: 1e-6))
        // Along the middle axis of a 3-D tensor.
        let t = Tensor.randn([2, 3, 4], generator: RandomGenerator(seed: 2))
        #expect(Approx.equal(softmax(t, axis: 1).sum(axis: 1), [Double](repeating: 1, count: 8), absolute: 1e-6))
    }

    @Test func noOverflowForLargeInputs() {
        #expect(softmax(Tensor([1000.0, 1000.0])).toDoubles() == [0.5, 0.5])
        #expect(softmax(Tensor([1000.0, 0.0])).toDoubles() == [1, 0])
        #expect(softmax(Tensor([-1000.0, -1000.0])).toDoubles() == [0.5, 0.5])
        let mixed = softmax(Tensor([[1000.0, 999.0], [-1000.0, -1001.0]]))
        let e = Foundation.exp(-1.0)
        #expect(Approx.equal(mixed, [1 / (1 + e), e / (1 + e), 1 / (1 + e), e / (1 + e)], absolute: 1e-6))
    }

    @Test func shiftInvariance() {
        let x = Tensor([0.5, -1.0, 2.0], dtype: .float64)
        #expect(Approx.equal(softmax(x + 100), softmax(x).toDoubles(), absolute: 1e-12))
    }

    @Test func integerInputGivesFloat32() {
        let r = softmax(Tensor([0, 0]))
        #expect(r.dtype == .float32 && r.toDoubles() == [0.5, 0.5])
    }
}

@Suite struct LogSoftmaxTests {
    @Test func equalsLogOfSoftmaxForModerateInputs() {
        let x = Tensor([1.0, 2.0, 3.0], dtype: .float64)
        let lse = Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0))
        #expect(Approx.equal(logSoftmax(x), [1 - lse, 2 - lse, 3 - lse], absolute: 1e-14))
        #expect(Approx.equal(logSoftmax(x), log(softmax(x)).toDoubles(), absolute: 1e-14))
    }

    @Test func stableForLargeInputs() {
        let ln2 = Foundation.log(2.0)
        #expect(Approx.equal(logSoftmax(Tensor([1000.0, 1000.0])), [-ln2, -ln2], absolute: 1e-6))
        // The small entry is −1000 exactly; log(softmax) would give −inf.
        let r = logSoftmax(Tensor([1000.0, 0.0]))
        #expect(r.toDoubles() == [0, -1000])
        #expect(log(softmax(Tensor([1000.0, 0.0]))).toDoubles()[1] == -.infinity)
        let neg = logSoftmax(Tensor([-1000.0, -1000.0, -1000.0, -1000.0]))
        #expect(Approx.equal(neg, [Double](repeating: -Foundation.log(4.0), count: 4), absolute: 1e-6))
        #expect(Tensor([[1e4, 0.0]]).logSoftmax(axis: 1).toDoubles().allSatisfy { $0.isFinite })
    }

    @Test func alongFirstAxis() {
        let x = Tensor([[0.0, 1.0], [0.0, 1.0]], dtype: .float64)
        #expect(Approx.equal(logSoftmax(x, axis: 0), [Double](repeating: -Foundation.log(2.0), count: 4), absolute: 1e-15))
    }

    @Test func logSumExp() {
        let ln2 = Foundation.log(2.0)
        let r = Apus.logSumExp(Tensor([1000.0, 1000.0], dtype: .float64), axes: nil)
        #expect(r.shape == [] && Swift.abs(r.item() - (1000 + ln2)) < 1e-12)
        let m = Apus.logSumExp(Tensor([[0.0, 0.0], [1.0, 1.0]], dtype: .float64), axis: 1, keepDims: true)
        #expect(m.shape == [2, 1])
        #expect(Approx.equal(m, [ln2, 1 + ln2], absolute: 1e-15))
        let c = Apus.logSumExp(Tensor([[-1000.0, 5.0], [-1000.0, 5.0]], dtype: .float64), axis: 0)
        #expect(Approx.equal(c, [-1000 + ln2, 5 + ln2], absolute: 1e-12))
    }

    /// Over several axes, as torch.logsumexp(x, dim=(0, 2)); a slice of −∞ gives −∞, not NaN.
    @Test func logSumExpOverSeveralAxes() {
        let x = Tensor(shape: [2, 2, 2], values: [0, 1, 2, 3, 4, 5, 6, 7], dtype: .float64)
        let r = x.logSumExp(axes: [0, 2])
        let expected = [[0.0, 1, 4, 5], [2.0, 3, 6, 7]].map { v in Foundation.log(v.map { Foundation.exp($0) }.reduce(0, +)) }
        #expect(r.shape == [2] && Approx.equal(r, expected, absolute: 1e-12))
        #expect(Apus.logSumExp(x, axes: [0, 2], keepDims: true).shape == [1, 2, 1])
        let minusInfinity = Tensor(shape: [2, 2], values: [-.infinity, -.infinity, 0, 0], dtype: .float64)
        #expect(Apus.logSumExp(minusInfinity, axis: 1).toDoubles() == [-.infinity, Foundation.log(2.0)])
    }
}
