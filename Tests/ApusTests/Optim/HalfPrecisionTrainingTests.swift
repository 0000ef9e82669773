import Testing
@testable import Apus

// 16-bit parameters train with every optimizer: the forward and backward passes compute in
// float32 and round each result, and each update runs in float32 and rounds the parameter (and its
// optimizer state) back to the parameter's dtype.

private let reducedTypes: [DType] = [.float16, .bfloat16]

private let optimizers: [(String, @Sendable ([Parameter]) -> any Optimizer)] = [
    ("SGD", { SGD($0, lr: 0.05) }),
    ("SGD momentum nesterov", { SGD($0, lr: 0.05, momentum: 0.9, nesterov: true) }),
    ("Adam", { Adam($0, lr: 0.02) }),
    ("Adam amsgrad", { Adam($0, lr: 0.02, amsgrad: true) }),
    ("RMSprop", { RMSprop($0, lr: 0.01) }),
    ("Adagrad", { Adagrad($0, lr: 0.1) }),
]

@Suite struct HalfPrecisionTrainingTests {
    /// y = x₀ − 2x₁ + ½x₂ learnt by a small MLP whose weights are 16-bit.
    @Test(arguments: reducedTypes, optimizers.indices)
    func mlpLearnsWith16BitWeights(_ dtype: DType, _ which: Int) {
        let (name, make) = optimizers[which]
        let generator = RandomGenerator(seed: 7)
        let model = Sequential(Linear(3, 16, dtype: dtype, generator: generator), ReLU(), Linear(16, 1, dtype: dtype, generator: generator))
        let x = Tensor.randn([64, 3], generator: generator).cast(to: dtype)
        let y = matmul(x.cast(to: .float32), Tensor(shape: [3, 1], values: [1, -2, 0.5])).cast(to: dtype)
        let optimizer = make(model.parameters())
        var first = 0.0, last = 0.0
        for step in 0..<60 {
            optimizer.zeroGrad()
            let loss = mseLoss(model(x), y)
            #expect(loss.dtype == dtype)
            loss.backward()
            optimizer.step()
            if step == 0 { first = loss.item() }
            last = loss.item()
        }
        #expect(last < 0.25 * first, "\(name) in \(dtype): loss \(first) → \(last)")
        for p in model.parameters() {
            #expect(p.value.dtype == dtype, "\(name): a parameter became \(p.value.dtype)")
            #expect(p.value.isLeaf && p.value.requiresGrad, "\(name): a parameter is no longer a leaf")
        }
    }

    /// One Adam step on a 16-bit parameter equals the float32 step on the same values, rounded.
    @Test(arguments: reducedTypes)
    func adamStepIsTheFloat32StepRounded(_ dtype: DType) {
        let values: [Double] = [0.75, -1.5, 2.25, 0.1, -0.3, 3, 0.5, -0.125, 1]
        let grads: [Double] = [0.5, -0.25, 1, -2, 0.125, 0.3, -0.7, 0.9, 0.2]
        func stepped(_ dtype: DType) -> [Double] {
            let p = Parameter(Tensor(shape: [9], values: values, dtype: dtype).cast(to: dtype))
            let optimizer = Adam([p], lr: 0.1)
            for _ in 0..<3 {
                p.grad = Tensor(shape: [9], values: grads, dtype: dtype)
                optimizer.step()
            }
            return p.value.toDoubles()
        }
        let reduced = stepped(dtype)
        // The float32 reference sees the 16-bit values (exact in float32), rounded at the end.
        let rounded = Tensor(shape: [9], values: stepped(.float32), dtype: .float32).cast(to: dtype).toDoubles()
        // The moments are rounded between steps too (as PyTorch keeps them in the parameter's
        // dtype), so allow two units in the last place.
        let ulp = dtype == .float16 ? 2.0 / 1024 : 2.0 / 128
        for (a, b) in zip(reduced, rounded) {
            #expect(Swift.abs(a - b) <= ulp * Swift.max(Swift.abs(b), 1), "\(dtype): \(reduced) vs \(rounded)")
        }
        #expect(reduced != Tensor(shape: [9], values: values, dtype: dtype).toDoubles(), "the step changed nothing")
    }
}
