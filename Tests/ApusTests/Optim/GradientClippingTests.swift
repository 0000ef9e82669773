import Foundation
import Testing
@testable import Apus

@Suite struct GradientClippingTests {
    @Test func clipValueLimitsEachElement() {
        let a = param([1, 2, 3], grad: [0.5, -3, 2]), b = param([1]), c = param([0, 0], grad: [-0.25, 10])
        clipGradValue([a, b, c], 1)
        #expect(a.grad!.toDoubles() == [0.5, -1, 1])
        #expect(b.grad == nil, "parameters without a gradient stay without one")
        #expect(c.grad!.toDoubles() == [-0.25, 1])
        #expect(a.value.toDoubles() == [1, 2, 3], "values are untouched")
    }

    /// Gradients [3, 4] and [12]: joint 2-norm √(9 + 16 + 144) = 13.
    @Test func clipNormRescalesAllGradientsTogether() {
        let a = param([0, 0], grad: [3, 4]), b = param([0], grad: [12])
        let norm = clipGradNorm([a, b], maxNorm: 6.5)
        #expect(norm == 13)
        let k: Double = 6.5 / (13 + 1e-6)   // PyTorch's coefficient
        #expect(Approx.equal(a.grad!, [3 * k, 4 * k], absolute: 1e-15, relative: 0))
        #expect(Approx.equal(b.grad!, [12 * k], absolute: 1e-15, relative: 0))
        // The course's form ∇W·β / max(‖∇W‖, β) agrees up to the 1e-6 guard.
        #expect(Approx.equal(b.grad!, [12 * 6.5 / 13], absolute: 1e-6))
    }

    @Test func clipNormLeavesSmallGradientsAlone() {
        let a = param([0, 0], grad: [3, 4])
        #expect(clipGradNorm([a], maxNorm: 5.1) == 5)
        #expect(a.grad!.toDoubles() == [3, 4])
    }

    @Test func otherNorms() {
        // ∞-norm: max |g| = 4; coefficient 2 / (4 + 1e-6).
        let a = param([0, 0], grad: [3, -4]), b = param([0], grad: [2])
        #expect(clipGradNorm([a, b], maxNorm: 2, normType: .infinity) == 4)
        let k: Double = 2 / (4 + 1e-6)
        #expect(Approx.equal(a.grad!, [3 * k, -4 * k], absolute: 1e-15, relative: 0))
        #expect(Approx.equal(b.grad!, [2 * k], absolute: 1e-15, relative: 0))
        // 1-norm: 3 + 4 + 12 = 19.
        #expect(clipGradNorm([param([0, 0], grad: [3, -4]), param([0], grad: [12])], maxNorm: 100, normType: 1) == 19)
        // 3-norm: (27 + 64 + 8)^(1/3) = 99^(1/3).
        let n3 = clipGradNorm([param([0, 0], grad: [3, -4]), param([0], grad: [2])], maxNorm: 100, normType: 3)
        #expect(Swift.abs(n3 - Foundation.pow(99, 1.0 / 3)) < 1e-12)
    }

    @Test func clipNormWithoutGradientsIsZero() {
        #expect(clipGradNorm([param([1, 2])], maxNorm: 1) == 0)
    }

    @Test func clipNormAfterBackwardOnFloat32() {
        let layer = Linear(2, 1, generator: RandomGenerator(seed: 1))
        (layer(Tensor([[100.0, -100.0]])).sum() * 10).backward()
        let before = clipGradNorm(layer.parameters(), maxNorm: 1)
        #expect(before > 1)
        let after = layer.parameters().reduce(0.0) { $0 + ($1.grad! * $1.grad!).sum().item() }.squareRoot()
        #expect(Swift.abs(after - 1) < 1e-5)
        #expect(layer.weight.grad!.dtype == .float32)
    }
}
