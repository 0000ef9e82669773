import Foundation
import Testing
@testable import Apus

@Suite struct DropoutTests {
    // MARK: Dropout

    @Test func keepsAboutOneMinusPAndScalesByItsInverse() {
        let x = Tensor.ones([200_000], dtype: .float64)
        let y = dropout(x, p: 0.3, generator: RandomGenerator(seed: 1)).toDoubles()
        let kept = y.filter { $0 != 0 }
        #expect(kept.allSatisfy { Swift.abs($0 - 1 / 0.7) < 1e-15 })
        // Kept fraction ~ Binomial: sd √(0.21/200000) ≈ 0.001; allow 5 sd.
        #expect(Swift.abs(Double(kept.count) / 200_000 - 0.7) < 0.005)
        let mean: Double = y.reduce(0.0) { $0 + $1 } / 200_000
        #expect(Swift.abs(mean - 1) < 0.008, "inverted dropout keeps the mean")
    }

    @Test func gradientIsTheSameMask() {
        let x = Tensor.randn([50], dtype: .float64, generator: RandomGenerator(seed: 2)).requiringGrad()
        let y = dropout(x, p: 0.5, generator: RandomGenerator(seed: 3))
        y.sum().backward()
        let mask = dropout(Tensor.ones([50], dtype: .float64), p: 0.5, generator: RandomGenerator(seed: 3))
        #expect(x.grad! == mask)
        #expect(Approx.equal(y, (x.detached() * mask).toDoubles(), absolute: 0))
        #expect(Set(mask.toDoubles()) == [0, 2])
    }

    @Test func identityInEvaluationAndForPZero() {
        let x = Tensor.randn([3, 4], generator: RandomGenerator(seed: 4))
        #expect(dropout(x, p: 0.5, training: false) == x)
        #expect(dropout(x, p: 0) == x)
        let layer = Dropout(p: 0.5)
        let net = Sequential(layer)
        net.eval()
        #expect(net(x) == x)
        net.train()
        #expect(net(x) != x)
    }

    /// As PyTorch: p = 1 drops everything.
    @Test func pOneGivesZeros() {
        let x = Tensor.randn([3, 4], generator: RandomGenerator(seed: 4)).requiringGrad()
        let y = dropout(x, p: 1)
        #expect(y.toDoubles() == [Double](repeating: 0, count: 12))
        y.sum().backward()
        #expect(x.grad!.toDoubles() == [Double](repeating: 0, count: 12))
    }

    @Test func sameSeedSameMask() {
        let x = Tensor.ones([100])
        #expect(dropout(x, generator: RandomGenerator(seed: 9)) == dropout(x, generator: RandomGenerator(seed: 9)))
        #expect(dropout(x, generator: RandomGenerator(seed: 9)) != dropout(x, generator: RandomGenerator(seed: 10)))
        #expect(dropout(x).dtype == .float32)
    }

    @Test func probabilityOutOfRangeStops() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { _ = Dropout(p: 1.5) }
        let message = stderrText(result)
        #expect(message.contains("p must be in [0, 1], got 1.5"))
        await #expect(processExitsWith: .failure) { _ = dropout(Tensor.ones([2]), p: -0.1) }
    }

    // MARK: Alpha dropout

    /// On N(0, 1) inputs (what SELU layers keep their activations near), the output has mean 0
    /// and standard deviation 1.
    @Test(arguments: [0.1, 0.2, 0.5])
    func alphaDropoutKeepsZeroMeanAndUnitVariance(_ p: Double) {
        let n = 400_000
        let x = Tensor.randn([n], dtype: .float64, generator: RandomGenerator(seed: 5))
        let y = alphaDropout(x, p: p, generator: RandomGenerator(seed: 6)).toDoubles()
        let mean: Double = y.reduce(0.0) { $0 + $1 } / Double(n)
        let std = (y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        #expect(Swift.abs(mean) < 0.01, "mean \(mean)")
        #expect(Swift.abs(std - 1) < 0.01, "std \(std)")
        // Without the correction (plain dropout) the variance would be 1/(1 − p).
        let plain = dropout(x, p: p, generator: RandomGenerator(seed: 6)).toDoubles()
        #expect(Swift.abs(plain.reduce(0) { $0 + $1 * $1 } / Double(n) - 1 / (1 - p)) < 0.02)
    }

    /// PyTorch's constants for p = 0.5: a = 1/√((α′²·0.5 + 1)·0.5), kept x ↦ a·x + a·α′·0.5,
    /// dropped ↦ −a·α′·0.5, with α′ = 1.7580993408473766.
    @Test func alphaDropoutValuesFollowTheFormula() {
        let alpha = 1.7580993408473766, p = 0.5
        let a = 1 / ((alpha * alpha * p + 1) * (1 - p)).squareRoot()
        let x = Tensor.randn([1000], dtype: .float64, generator: RandomGenerator(seed: 7)).requiringGrad()
        let y = alphaDropout(x, p: p, generator: RandomGenerator(seed: 8))
        let u = RandomGenerator(seed: 8).uniforms(1000)
        let xs = x.toDoubles(), ys = y.toDoubles()
        for i in 0..<1000 {
            let expected = u[i] < 1 - p ? a * xs[i] + a * alpha * p : -a * alpha * (1 - p)
            #expect(Swift.abs(ys[i] - expected) < 1e-14)
        }
        y.sum().backward()
        #expect(x.grad!.toDoubles() == u.map { $0 < 1 - p ? a : 0 })
    }

    @Test func alphaDropoutIsTheIdentityInEvaluation() {
        let x = Tensor.randn([3, 4], generator: RandomGenerator(seed: 4))
        let layer = AlphaDropout(p: 0.2)
        layer.eval()
        #expect(layer(x) == x)
        #expect(alphaDropout(x, p: 1).toDoubles() == [Double](repeating: 0, count: 12))
    }

    // MARK: Variational dropout

    private func layer(logAlpha: Double = -1, seed: UInt64 = 1) -> VariationalDropoutLinear {
        VariationalDropoutLinear(3, 2, initialLogAlpha: logAlpha, dtype: .float64, generator: RandomGenerator(seed: seed))
    }

    @Test func variationalParametersAndEvaluationMean() {
        let l = layer()
        #expect(l.namedParameters().map(\.name) == ["weight", "bias", "log_alpha"])
        #expect(l.logAlpha.shape == [2, 3] && l.logAlpha.value.toDoubles().allSatisfy { $0 == -1 })
        l.eval()
        let x = Tensor([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]], dtype: .float64)
        let y = l(x)
        #expect(y == linear(x, weight: l.weight.value, bias: l.bias!.value).detached())
        #expect(l(x) == y, "evaluation is deterministic")
    }

    /// Many samples of one input: the empirical mean is x·Wᵀ + b and the variance x²·(α⊙W²)ᵀ.
    @Test func variationalTrainingMatchesTheLocalReparameterisation() {
        let l = layer(logAlpha: -0.5)
        let n = 40_000
        let row = [0.8, -1.5, 2.0]
        let x = Tensor(shape: [n, 3], values: (0..<n).flatMap { _ in row }, dtype: .float64)
        let y = noGrad { l(x) }.toDoubles()
        let w = l.weight.value.toDoubles(), b = l.bias!.value.toDoubles(), alpha = Foundation.exp(-0.5)
        for j in 0..<2 {
            let mean = (0..<3).reduce(b[j]) { $0 + row[$1] * w[j * 3 + $1] }
            let variance = (0..<3).reduce(1e-8) { $0 + row[$1] * row[$1] * alpha * w[j * 3 + $1] * w[j * 3 + $1] }
            let samples = stride(from: j, to: 2 * n, by: 2).map { y[$0] }
            let m: Double = samples.reduce(0.0) { $0 + $1 } / Double(n)
            let v = samples.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
            // Standard error of the mean √(v/n), of the variance ≈ v·√(2/n): allow 5 of each.
            #expect(Swift.abs(m - mean) < 5 * (variance / Double(n)).squareRoot(), "output \(j): mean \(m) vs \(mean)")
            #expect(Swift.abs(v - variance) < 5 * variance * (2 / Double(n)).squareRoot(), "output \(j): variance \(v) vs \(variance)")
        }
    }

    @Test func gradientsReachLogAlphaThroughTheNoiseAndTheKL() {
        let l = layer(logAlpha: -1)
        l(Tensor([[0.8, -1.5, 2.0]], dtype: .float64)).sum().backward()
        #expect(l.logAlpha.grad!.toDoubles().contains { $0 != 0 })
        l.zeroGrad()
        // d/d log α of −(0.5·log α + c₁α + c₂α² + c₃α³) = −(0.5 + c₁α + 2c₂α² + 3c₃α³).
        let (c1, c2, c3) = (1.16145124, -1.50204118, 0.58629921)
        let a = Foundation.exp(-1.0)
        let kl = l.klDivergence()
        kl.backward()
        #expect(Swift.abs(kl.item() - 6 * -(0.5 * -1 + c1 * a + c2 * a * a + c3 * a * a * a)) < 1e-12)
        let expected = -(0.5 + c1 * a + 2 * c2 * a * a + 3 * c3 * a * a * a)
        #expect(l.logAlpha.grad!.toDoubles().allSatisfy { Swift.abs($0 - expected) < 1e-12 })
    }

    /// α ≤ 1: log α above 0 acts as 0 and gets no gradient.
    @Test func alphaIsClampedAtOne() {
        let high = layer(logAlpha: 2)
        let kl = high.klDivergence()
        // KL per weight at α = 1: −(c₁ + c₂ + c₃) = −0.24570927.
        #expect(Swift.abs(kl.item() - 6 * -0.24570927) < 1e-9)
        kl.backward()
        #expect(high.logAlpha.grad!.toDoubles().allSatisfy { $0 == 0 })
    }

    @Test func klOfAModelSumsItsLayers() {
        let first = VariationalDropoutLinear(3, 4, initialLogAlpha: -2, dtype: .float64)
        let second = VariationalDropoutLinear(4, 2, initialLogAlpha: -0.5, dtype: .float64)
        let model = Sequential(first, ReLU(), Linear(2, 2, dtype: .float64), second)
        let total = klDivergence(of: model).item()
        #expect(Swift.abs(total - (first.klDivergence().item() + second.klDivergence().item())) < 1e-12)
        #expect(klDivergence(of: mlp(inputs: 2, hidden: [3], outputs: 1)).item() == 0)
    }
}
