import Foundation
import Testing
@testable import Apus

// Activations: hand-derived values, dtypes, the modules and their parameters, error messages.
// Values against PyTorch are in NN/PyTorchReferenceTests.swift; gradients in the gradcheck table.

private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol * Swift.max(1, Swift.abs($1)) }
}

@Suite struct ActivationTests {
    let x = Tensor([-2.0, -0.5, 0.0, 0.5, 2.0], dtype: .float64)

    @Test func stepIsOneOnlyAbove0AndHasZeroGradient() {
        let x = self.x.requiringGrad()
        let y = step(x)
        #expect(y.toDoubles() == [0, 0, 0, 1, 1])
        #expect(y.dtype == .float64)
        (y * 3).sum().backward()
        #expect(x.grad?.toDoubles() == [0, 0, 0, 0, 0])
        #expect(Step()(Tensor([-1, 0, 4])).toDoubles() == [0, 0, 1])  // int64 input: float32 output
        #expect(Step()(Tensor([-1, 0, 4])).dtype == .float32)
    }

    @Test func leakyReluScalesNegativeInputs() {
        #expect(close(leakyRelu(x).toDoubles(), [-0.02, -0.005, 0, 0.5, 2]))
        #expect(close(LeakyReLU(negativeSlope: 0.2)(x).toDoubles(), [-0.4, -0.1, 0, 0.5, 2]))
        let xg = x.requiringGrad()
        leakyRelu(xg, negativeSlope: 0.1).sum().backward()
        // PyTorch's choice at 0: the negative side's slope (x > 0 is false).
        #expect(close(xg.grad!.toDoubles(), [0.1, 0.1, 0.1, 1, 1]))
    }

    @Test func eluAndSeluFormulas() {
        let e = [exp(-2.0) - 1, exp(-0.5) - 1, 0, 0.5, 2]
        #expect(close(elu(x).toDoubles(), e))
        #expect(close(ELU(alpha: 0.5)(x).toDoubles(), e.map { $0 < 0 ? 0.5 * $0 : $0 }))
        // The constants at full precision (Klambauer et al.; PyTorch's values).
        #expect(seluAlpha == 1.6732632423543772848170429916717)
        #expect(seluScale == 1.0507009873554804934193349852946)
        #expect(close(SELU()(x).toDoubles(), e.map { seluScale * ($0 < 0 ? seluAlpha * $0 : $0) }))
        // Negative saturation of SELU: −λα.
        #expect(close(selu(Tensor([-1000.0], dtype: .float64)).toDoubles(), [-seluScale * seluAlpha]))
    }

    @Test func geluExactAndTanh() {
        // x·Φ(x): Φ(1) = 0.8413447460685429, Φ(−0.5) = 0.3085375387259869.
        let exact = gelu(Tensor([1.0, -0.5, 0.0], dtype: .float64)).toDoubles()
        #expect(close(exact, [0.8413447460685429, -0.5 * 0.3085375387259869, 0]))
        let t = 1.0
        let approx = 0.5 * t * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (t + 0.044715 * t * t * t)))
        #expect(close(GELU(approximate: .tanh)(Tensor([1.0], dtype: .float64)).toDoubles(), [approx]))
        #expect(Swift.abs(approx - 0.8413447460685429) < 1e-3)  // the approximation is close to exact
    }

    @Test func siluIsXTimesSigmoid() {
        let expected = x.toDoubles().map { $0 / (1 + exp(-$0)) }
        #expect(close(silu(x).toDoubles(), expected))
        #expect(close(SiLU()(Tensor([-1000.0, 1000.0], dtype: .float64)).toDoubles(), [0, 1000]))
    }

    @Test func float32MatchesFloat64() {
        let values = (0..<40).map { Double($0 - 20) * 0.37 }
        let x64 = Tensor(shape: [40], values: values, dtype: .float64), x32 = x64.cast(to: .float32)
        let fns: [(String, (Tensor) -> Tensor)] = [
            ("leakyRelu", { leakyRelu($0) }), ("elu", { elu($0) }), ("selu", { selu($0) }), ("gelu", { gelu($0) }),
            ("gelu tanh", { gelu($0, approximate: .tanh) }), ("silu", { silu($0) }), ("step", { step($0) }),
        ]
        for (name, f) in fns {
            let y32 = f(x32)
            #expect(y32.dtype == .float32, "\(name)")
            #expect(close(y32.toDoubles(), f(x64).toDoubles(), tol: 1e-6), "\(name)")
            // A non-contiguous view gives the same values.
            #expect(f(x64.reshape([8, 5]).T).toDoubles() == f(x64.reshape([8, 5]).T.contiguous()).toDoubles(), "\(name) strided")
        }
    }

    @Test func methodFormsMatchFunctions() {
        #expect(x.step() == step(x))
        #expect(x.leakyRelu(negativeSlope: 0.3) == leakyRelu(x, negativeSlope: 0.3))
        #expect(x.elu(alpha: 2) == elu(x, alpha: 2))
        #expect(x.selu() == selu(x))
        #expect(x.gelu(approximate: .tanh) == gelu(x, approximate: .tanh))
        #expect(x.silu() == silu(x))
    }

    @Test func softmaxModules() {
        let m = Tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype: .float64)
        #expect(Softmax(axis: 1)(m) == softmax(m, axis: 1))
        #expect(Softmax(axis: 0)(m) == softmax(m, axis: 0))
        #expect(LogSoftmax()(m) == logSoftmax(m, axis: -1))
        #expect(close(Softmax()(m).sum(axis: 1).toDoubles(), [1, 1]))
    }

    // MARK: PReLU

    @Test func preluValuesSharedAndPerChannel() {
        #expect(close(prelu(x, weight: Tensor([0.25], dtype: .float64)).toDoubles(), [-0.5, -0.125, 0, 0.5, 2]))
        // [N=1, C=2, 2]: channel 0 slope 0.1, channel 1 slope −1.
        let x3 = Tensor(shape: [1, 2, 2], values: [-1, 2, -3, 4], dtype: .float64)
        #expect(close(prelu(x3, weight: Tensor([0.1, -1.0], dtype: .float64)).toDoubles(), [-0.1, 2, 3, 4]))
    }

    @Test func preluModuleHasAPyTorchNamedWeight() {
        let shared = PReLU()
        #expect(shared.namedParameters().map(\.name) == ["weight"])
        #expect(shared.weight.value.toDoubles() == [0.25])
        let perChannel = PReLU(numParameters: 3, initialValue: 0.1, dtype: .float64)
        #expect(perChannel.weight.shape == [3])
        #expect(close(perChannel.weight.value.toDoubles(), [0.1, 0.1, 0.1]))
        #expect(perChannel.stateDict().map(\.name) == ["weight"])
    }

    /// The table gradchecks `prelu` w.r.t. its weight; the module's parameter receives exactly that gradient.
    @Test(arguments: [1, 3])
    func preluModuleWeightGradientMatchesTheFunctionalForm(channels: Int) {
        let g = RandomGenerator(seed: 3)
        let input = Tensor.randn([4, 3, 5], dtype: .float64, generator: g)
        let upstream = Tensor.randn([4, 3, 5], dtype: .float64, generator: g)
        let module = PReLU(numParameters: channels, initialValue: 0.2, dtype: .float64)
        module.weight.assign(Tensor.randn([channels], dtype: .float64, generator: g))
        module(input).backward(upstream)

        let w = module.weight.value.detached().requiringGrad()
        prelu(input, weight: w).backward(upstream)
        #expect(module.weight.grad == w.grad)
        // Σ g·x over the negative inputs (of each channel).
        let xs = input.toDoubles(), gs = upstream.toDoubles()
        var expected = [Double](repeating: 0, count: channels)
        for i in xs.indices where xs[i] <= 0 { expected[channels == 1 ? 0 : (i / 5) % 3] += gs[i] * xs[i] }
        #expect(close(module.weight.grad!.toDoubles(), expected))
    }

    @Test func preluRejectsAWeightThatDoesNotMatchTheChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = prelu(Tensor.zeros([2, 3, 4]), weight: Tensor.ones([4]))
        }
        let message = stderrText(result)
        #expect(message.contains("prelu"))
        #expect(message.contains("[4]"))
        #expect(message.contains("[2, 3, 4]"))
    }

    @Test func preluRejectsMixedDtypes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = prelu(Tensor.zeros([2, 3], dtype: .float64), weight: Tensor.ones([1]))
        }
        #expect(stderrText(result).contains("prelu: input (float64) and weight (float32)"))
    }
}
