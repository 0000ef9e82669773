import Foundation
import Testing
@testable import Apus

// Initialisers: fans and gains as torch.nn.init computes them, sample statistics of large
// tensors against each formula, Linear's default, and why weights must not start constant.

/// One initialiser with the distribution it should produce.
struct InitializerCase: Sendable, CustomTestStringConvertible {
    let initializer: Initializer
    let shape: [Int]
    let mean: Double
    let std: Double
    /// For uniform distributions: the half-width around the mean that no sample may leave.
    let bound: Double?
    var testDescription: String { "\(initializer) \(shape)" }
}

/// [out, in] = [256, 1024]: fan-in 1024, fan-out 256, fan-in + fan-out 1280.
private let matrix = [256, 1024]
/// [out, in, kh, kw] = [64, 32, 3, 3]: fan-in 288, fan-out 576.
private let kernel = [64, 32, 3, 3]

private let statisticsCases: [InitializerCase] = [
    InitializerCase(initializer: .normal(mean: 0.5, std: 2), shape: matrix, mean: 0.5, std: 2, bound: nil),
    InitializerCase(initializer: .uniform(low: -1, high: 3), shape: matrix, mean: 1, std: 4 / 12.0.squareRoot(), bound: 2),
    InitializerCase(initializer: .xavierNormal(gain: 2), shape: matrix, mean: 0, std: 2 * (2 / 1280.0).squareRoot(), bound: nil),
    InitializerCase(initializer: .xavierUniform(), shape: matrix, mean: 0, std: (2 / 1280.0).squareRoot(), bound: (6 / 1280.0).squareRoot()),
    InitializerCase(initializer: .xavierUniform(gain: calculateGain(.tanh)), shape: kernel, mean: 0,
                    std: 5.0 / 3 * (2 / 864.0).squareRoot(), bound: 5.0 / 3 * (6 / 864.0).squareRoot()),
    // a = 0 with the default leaky ReLU: gain √2, the He initialisation.
    InitializerCase(initializer: .kaimingNormal(), shape: matrix, mean: 0, std: (2 / 1024.0).squareRoot(), bound: nil),
    InitializerCase(initializer: .kaimingNormal(mode: .fanOut, nonlinearity: .relu), shape: matrix, mean: 0,
                    std: (2 / 256.0).squareRoot(), bound: nil),
    InitializerCase(initializer: .kaimingNormal(nonlinearity: .relu), shape: kernel, mean: 0, std: (2 / 288.0).squareRoot(), bound: nil),
    InitializerCase(initializer: .kaimingUniform(a: 0.2, mode: .fanOut), shape: matrix, mean: 0,
                    std: (2 / 1.04).squareRoot() / 16, bound: 3.0.squareRoot() * (2 / 1.04).squareRoot() / 16),
    InitializerCase(initializer: .kaimingUniform(nonlinearity: .linear), shape: kernel, mean: 0,
                    std: 1 / 288.0.squareRoot(), bound: (3 / 288.0).squareRoot()),
    InitializerCase(initializer: .lecunNormal, shape: matrix, mean: 0, std: 1 / 32, bound: nil),
    InitializerCase(initializer: .lecunUniform, shape: kernel, mean: 0, std: 1 / 288.0.squareRoot(), bound: (3 / 288.0).squareRoot()),
]

@Suite struct InitializerTests {
    @Test func fansAsPyTorch() {
        #expect(fans(of: [3, 5]) == (5, 3))
        #expect(fans(of: [16, 3, 5, 5]) == (75, 400))
        #expect(fans(of: [64, 32, 3, 3]) == (288, 576))
        #expect(fans(of: [8, 4, 3]) == (12, 24))
        #expect(fans(of: [2, 3, 4, 5, 6]) == (360, 240))
    }

    @Test func fansNeedTwoDimensions() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Initializer.xavierUniform()([10])
        }
        #expect(stderrText(result).contains("fan-in and fan-out need a shape of at least 2 dimensions ([out, in, …]), got [10]"))
    }

    @Test func gainsAsPyTorch() {
        // torch.nn.init.calculate_gain: linear/sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2/(1+slope²)), selu 3/4.
        #expect(calculateGain(.linear) == 1)
        #expect(calculateGain(.sigmoid) == 1)
        #expect(calculateGain(.tanh) == 5.0 / 3)
        #expect(calculateGain(.relu) == 2.0.squareRoot())
        #expect(calculateGain(.leakyRelu) == (2 / 1.0001).squareRoot())
        #expect(calculateGain(.leakyRelu, param: 0.2) == (2 / 1.04).squareRoot())
        #expect(calculateGain(.leakyRelu, param: 0) == 2.0.squareRoot())
        #expect(calculateGain(.selu) == 0.75)
        // param only matters for leaky ReLU.
        #expect(calculateGain(.relu, param: 0.5) == 2.0.squareRoot())
    }

    @Test("sample mean and std follow the formula", arguments: statisticsCases)
    func sampleStatistics(_ c: InitializerCase) {
        let t = c.initializer(c.shape, dtype: .float64, generator: RandomGenerator(seed: 42))
        #expect(t.shape == c.shape)
        #expect(t.dtype == .float64)
        let mean = t.mean().item(), std = t.std().item()
        #expect(Swift.abs(mean - c.mean) < 0.03 * c.std, "mean \(mean), expected \(c.mean)")
        #expect(Swift.abs(std / c.std - 1) < 0.02, "std \(std), expected \(c.std)")
        if let bound = c.bound {
            let values = t.toDoubles()
            #expect(values.allSatisfy { Swift.abs($0 - c.mean) <= bound }, "a sample leaves ±\(bound)")
            // And the samples reach close to the bound (the distribution is not narrower).
            #expect(values.contains { Swift.abs($0 - c.mean) > 0.99 * bound })
        }
        // float32 works too, and a seed repeats the numbers.
        let f = c.initializer(c.shape, dtype: .float32, generator: RandomGenerator(seed: 42))
        #expect(f.dtype == .float32)
        #expect(f.toDoubles().prefix(8) == t.cast(to: .float32).toDoubles().prefix(8))
    }

    @Test func constants() {
        #expect(Initializer.zeros([2, 3]) == Tensor.zeros([2, 3]))
        #expect(Initializer.ones([4], dtype: .float64) == Tensor.ones([4], dtype: .float64))
        #expect(Initializer.constant(0.3)([2, 2], dtype: .float64).toDoubles() == [0.3, 0.3, 0.3, 0.3])
        #expect(Initializer.zeros([5]).shape == [5])  // no fans needed
        #expect("\(Initializer.kaimingNormal(mode: .fanOut))" == "kaimingNormal(a: 0.0, mode: fanOut, nonlinearity: leakyRelu)")
    }

    @Test func customInitializer() {
        let arange = Initializer("arange") { shape, dtype, _ in
            Tensor.arange(0, Double(shape.reduce(1, *)), dtype: dtype).reshape(shape)
        }
        let p = Parameter(.zeros([2, 3], dtype: .float64))
        p.initialize(arange)
        #expect(p.value.toDoubles() == [0, 1, 2, 3, 4, 5])
        #expect(p.value.dtype == .float64)
    }

    @Test func initializeKeepsTheParameterAndItsDtype() {
        let layer = Linear(4, 3, dtype: .float64, generator: RandomGenerator(seed: 1))
        let weight = layer.weight
        layer(Tensor.ones([2, 4], dtype: .float64)).sum().backward()
        layer.weight.initialize(.xavierNormal(), generator: RandomGenerator(seed: 2))
        #expect(layer.weight === weight)
        #expect(layer.weight.value.dtype == .float64)
        #expect(layer.weight.value == Initializer.xavierNormal()([3, 4], dtype: .float64, generator: RandomGenerator(seed: 2)))
        #expect(layer.weight.value.requiresGrad)
        #expect(layer.weight.grad != nil)  // as Parameter.assign: the accumulated gradient stays
    }

    // MARK: Linear

    /// The default is bit for bit what Linear always drew (tests and the digits accuracy rely on it):
    /// U(−1/√in, 1/√in) for the weight, then for the bias, from the same generator.
    @Test func linearDefaultIsUnchanged() {
        let layer = Linear(7, 5, generator: RandomGenerator(seed: 3))
        let g = RandomGenerator(seed: 3)
        let bound: Double = 1 / 7.0.squareRoot()
        #expect(layer.weight.value == Tensor.uniform([5, 7], low: -bound, high: bound, generator: g))
        #expect(layer.bias!.value == Tensor.uniform([5], low: -bound, high: bound, generator: g))
    }

    /// PyTorch's default is kaiming_uniform(a: √5): the same bound 1/√in up to rounding.
    @Test func linearDefaultIsKaimingUniformWithASqrt5() {
        let layer = Linear(300, 20, dtype: .float64, generator: RandomGenerator(seed: 4))
        let kaiming = Initializer.kaimingUniform(a: 5.0.squareRoot())([20, 300], dtype: .float64, generator: RandomGenerator(seed: 4))
        let a = layer.weight.value.toDoubles(), b = kaiming.toDoubles()
        #expect(zip(a, b).allSatisfy { Swift.abs($0 - $1) <= 1e-15 })
        #expect(a.allSatisfy { Swift.abs($0) < 1 / 300.0.squareRoot() })
    }

    @Test func linearTakesInitializers() {
        let layer = Linear(6, 4, dtype: .float64, weightInitializer: .kaimingNormal(nonlinearity: .relu), biasInitializer: .zeros,
                           generator: RandomGenerator(seed: 5))
        // The weight initialiser sees [out, in] = [4, 6]: fan-in 6.
        #expect(layer.weight.value == Initializer.kaimingNormal(nonlinearity: .relu)([4, 6], dtype: .float64, generator: RandomGenerator(seed: 5)))
        #expect(layer.bias!.value == Tensor.zeros([4], dtype: .float64))
        let onlyBias = Linear(2, 2, biasInitializer: .constant(0.1))
        #expect(onlyBias.bias!.value.toDoubles().allSatisfy { Swift.abs($0 - 0.1) < 1e-7 })
        #expect(onlyBias.weight.value.toDoubles().allSatisfy { Swift.abs($0) < 1 / 2.0.squareRoot() })
    }

    // MARK: Symmetry

    /// Trains a 4 → 5 → 1 tanh MLP a few SGD steps on random data; returns the hidden layer's weight rows.
    private func hiddenRowsAfterTraining(_ weightInitializer: Initializer) -> [[Double]] {
        let g = RandomGenerator(seed: 8)
        let hidden = Linear(4, 5, dtype: .float64, weightInitializer: weightInitializer, biasInitializer: .zeros, generator: g)
        let output = Linear(5, 1, dtype: .float64, weightInitializer: weightInitializer, biasInitializer: .zeros, generator: g)
        let model = Sequential(hidden, Tanh(), output)
        let x = Tensor.randn([16, 4], dtype: .float64, generator: g), y = Tensor.randn([16, 1], dtype: .float64, generator: g)
        let optimizer = SGD(model.parameters(), lr: 0.1)
        for _ in 0..<5 {
            optimizer.zeroGrad()
            mseLoss(model(x), y).backward()
            optimizer.step()
        }
        let w = hidden.weight.value.toDoubles()
        return (0..<5).map { Array(w[($0 * 4)..<($0 * 4 + 4)]) }
    }

    /// With every weight equal, every hidden unit computes the same function and receives the
    /// same gradient, so training never makes them differ: the layer acts as one unit.
    @Test func constantWeightsKeepHiddenUnitsIdentical() {
        let rows = hiddenRowsAfterTraining(.constant(0.1))
        #expect(rows.allSatisfy { $0 == rows[0] })
        #expect(rows[0] != [0.1, 0.1, 0.1, 0.1])  // training did move them
    }

    @Test func randomWeightsBreakTheSymmetry() {
        let rows = hiddenRowsAfterTraining(.xavierUniform(gain: calculateGain(.tanh)))
        #expect(Set(rows.map { $0.map(\.bitPattern) }).count == 5)
    }
}

struct TruncatedNormalTests {
    @Test func staysInsideTheBoundsWithTheTruncatedMoments() {
        // N(0, 1) truncated to [−1, 1]: variance 1 − 2φ(1)/(Φ(1) − Φ(−1)) = 0.29112.
        let t = Initializer.truncatedNormal(std: 1, a: -1, b: 1)([200, 500], dtype: .float64, generator: RandomGenerator(seed: 3))
        let v = t.toDoubles()
        #expect(v.allSatisfy { $0 >= -1 && $0 <= 1 })
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        #expect(Swift.abs(mean) < 0.01)
        #expect(Swift.abs(variance - 0.29112) < 0.005)
    }
}

struct SkipInitializationTests {
    @Test func initializersGiveZerosAndDrawNothingInsideTheScope() throws {
        let generator = RandomGenerator(seed: 3)
        let skipped = skippingInitialization { Linear(4, 3, weightInitializer: .kaimingNormal(), generator: generator) }
        #expect(skipped.weight.value == .zeros([3, 4]) && skipped.bias!.value == .zeros([3]))
        #expect(skipped.weight.value.dtype == .float32)
        // Nothing was drawn: the generator continues where a fresh one starts.
        #expect(generator.next() == RandomGenerator(seed: 3).next())
        // Outside the scope (and after it) initialisers draw again; constants were never affected.
        let drawn = Linear(4, 3, generator: RandomGenerator(seed: 3))
        #expect(drawn.weight.value != .zeros([3, 4]))
        #expect(!InitializationMode.isSkipped)
        let bn = skippingInitialization { BatchNorm1d(2) }
        #expect(bn.weight!.value == .ones([2]) && bn.runningVar!.value == .ones([2]))
        // Errors pass through with their type.
        #expect(throws: ApusError.self) { try skippingInitialization { throw ApusError.invalidArgument("x") } }
    }
}
