// The activation layers added beside their functions: PyTorch's defaults, the same values as the
// functional forms, no parameters.

import Foundation
import Testing
@testable import Apus

@Suite struct ActivationLayerTests {
    @Test func layersComputeTheirFunctionsWithPyTorchsDefaults() {
        let x = Tensor.randn([4, 6], dtype: .float64, generator: RandomGenerator(seed: 1)) * 4
        let pairs: [(Module, Tensor)] = [
            (Softplus(), softplus(x, beta: 1, threshold: 20)), (Softplus(beta: 2, threshold: 3), softplus(x, beta: 2, threshold: 3)),
            (Softsign(), softsign(x)), (Hardsigmoid(), hardsigmoid(x)), (Hardswish(), hardswish(x)), (Mish(), mish(x)),
            (LogSigmoid(), logsigmoid(x)), (CELU(), celu(x, alpha: 1)), (CELU(alpha: 0.5), celu(x, alpha: 0.5)),
            (ReLU6(), relu6(x)), (GLU(), glu(x, axis: -1)), (GLU(axis: 0), glu(x, axis: 0)),
            (Threshold(threshold: 0.1, value: 20), threshold(x, threshold: 0.1, value: 20)),
            (Softshrink(), softshrink(x, lambda: 0.5)), (Hardshrink(), hardshrink(x, lambda: 0.5)),
            (Tanhshrink(), tanhshrink(x)), (Softmin(axis: 0), softmin(x, axis: 0)), (Softmin(), softmin(x, axis: -1)),
        ]
        for (layer, expected) in pairs {
            #expect(layer(x) == expected, "\(type(of: layer))")
            #expect(layer.stateDict().isEmpty)
        }
        #expect(x.softplus() == softplus(x) && x.mish() == mish(x) && x.glu() == glu(x) && x.softmin(axis: 1) == softmin(x, axis: 1))
    }

    @Test func logsigmoidIsFiniteForLargeInputs() {
        let x = Tensor([-1e4, -100, 0, 100, 1e4])
        let y = logsigmoid(x).toDoubles()
        #expect(y.allSatisfy { $0.isFinite })
        #expect(y[0] == -1e4 && y[4] == 0)
        #expect(Swift.abs(y[2] + log(2.0)) < 1e-6)
    }

    @Test func layersRefuseBadParameters() async {
        await #expect(processExitsWith: .failure) { _ = CELU(alpha: 0) }
        await #expect(processExitsWith: .failure) { _ = Softshrink(lambda: -0.5) }
    }
}
