import Foundation
import Testing
@testable import Apus

// MARK: - Fixtures

/// A block with one bare parameter of its own.
private final class Encoder: Module {
    let weight = Parameter(Tensor.zeros([2, 3]))
}

/// A module exercising every kind of member the reflection has to find.
private final class Composite: Module {
    let scale = Parameter(Tensor.ones([1]))   // own parameter
    let encoder = Encoder()                   // child module
    let head: Linear?                         // optional child, present
    let missing: Linear? = nil                // optional child, absent
    let blocks: [Linear]                      // array of children
    let note = "not a member"                 // ignored
    let width = 7                             // ignored

    init(generator: RandomGenerator) {
        head = Linear(3, 2, generator: generator)
        blocks = [Linear(2, 2, generator: generator), Linear(2, 1, bias: false, generator: generator)]
    }
}

/// The same parameter held twice and the same module held twice.
private final class Tied: Module {
    let a: Parameter
    let b: Parameter
    let first: Linear
    let second: Linear

    override init() {
        a = Parameter(Tensor.ones([4]))
        b = a
        first = Linear(3, 2, generator: RandomGenerator(seed: 3))
        second = first
    }
}

// MARK: - Parameter discovery

@Test func mlpParameterNamesFollowPyTorch() {
    let model = mlp(inputs: 4, hidden: [8, 6], outputs: 3, generator: RandomGenerator(seed: 1))
    let named = model.namedParameters()
    #expect(named.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
    #expect(named.map(\.parameter.shape) == [[8, 4], [8], [6, 8], [6], [3, 6], [3]])
    #expect(model.parameters().count == 6)
    // 8·4+8 + 6·8+6 + 3·6+3 = 40 + 54 + 21
    #expect(model.parameterCount == 115)
    #expect(model.layers.count == 5)
    #expect(model.layers[1] is ReLU && model.layers[3] is ReLU)
}

@Test func mlpWithoutHiddenLayersIsOneLinear() {
    let model = mlp(inputs: 5, hidden: [], outputs: 2, generator: RandomGenerator(seed: 1))
    #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias"])
    #expect(model.parameterCount == 12)
}

@Test func customModuleMembersAreFoundWithDottedNames() {
    let m = Composite(generator: RandomGenerator(seed: 2))
    let named = m.namedParameters()
    // Own parameters first, then children in declaration order (as torch's named_parameters).
    #expect(named.map(\.name) == [
        "scale",
        "encoder.weight",
        "head.weight", "head.bias",
        "blocks.0.weight", "blocks.0.bias",
        "blocks.1.weight",
    ])
    #expect(named.map(\.parameter.shape) == [[1], [2, 3], [2, 3], [2], [2, 2], [2], [1, 2]])
    #expect(m.namedChildren.map(\.name) == ["encoder", "head", "blocks.0", "blocks.1"])
    #expect(m.namedOwnParameters.map(\.name) == ["scale"])
    // 1 + 6 + (6 + 2) + (4 + 2) + 2
    #expect(m.parameterCount == 23)
    // The parameters are the very objects the module holds.
    #expect(named[1].parameter === m.encoder.weight)
    #expect(named[6].parameter === m.blocks[1].weight)
}

@Test func sharedParametersAndModulesAreCountedOnce() {
    let m = Tied()
    #expect(m.namedParameters().map(\.name) == ["a", "first.weight", "first.bias"])
    #expect(m.parameters().count == 3)
    #expect(m.parameterCount == 4 + 6 + 2)
}

@Test func parameterFreeModulesHaveNoParameters() {
    for m: Module in [ReLU(), Sigmoid(), Tanh(), Flatten(), MSELoss(), CrossEntropyLoss()] {
        #expect(m.namedParameters().isEmpty)
        #expect(m.parameterCount == 0)
    }
}

// MARK: - Modes

@Test func trainAndEvalPropagateToAllDescendants() {
    let inner = Sequential(Linear(2, 2, generator: RandomGenerator(seed: 1)), ReLU())
    let model = Sequential(Linear(3, 2, generator: RandomGenerator(seed: 2)), inner, Composite(generator: RandomGenerator(seed: 4)))
    func all(_ m: Module) -> [Module] { [m] + m.namedChildren.flatMap { all($0.module) } }
    let modules = all(model)
    // model, Linear, inner, Linear, ReLU, Composite, Encoder, head, blocks.0, blocks.1
    #expect(modules.count == 10)
    #expect(modules.allSatisfy { $0.training })

    model.eval()
    #expect(modules.allSatisfy { !$0.training })

    model.train()
    #expect(modules.allSatisfy { $0.training })

    model.train(false)
    #expect(modules.allSatisfy { !$0.training })

    // Switching a child does not touch its parent.
    inner.train()
    #expect(inner.training && inner.layers.allSatisfy { $0.training })
    #expect(!model.training)
}

// MARK: - Linear

@Test func linearDefaultInitLiesWithinPyTorchBound() {
    let layer = Linear(5, 3, generator: RandomGenerator(seed: 7))
    let bound = 1 / Double(5).squareRoot()
    #expect(layer.inFeatures == 5 && layer.outFeatures == 3)
    #expect(layer.weight.shape == [3, 5])
    #expect(layer.bias?.shape == [3])
    #expect(layer.weight.value.dtype == .float32)
    let w = layer.weight.value.toDoubles()
    let b = layer.bias!.value.toDoubles()
    for v in w + b { #expect(abs(v) <= bound) }
    // Spread over the interval rather than stuck at a point: both signs, and not all tiny.
    #expect(w.contains { $0 > 0 } && w.contains { $0 < 0 })
    #expect(w.contains { abs($0) > bound / 2 })
    #expect(Set(w).count == w.count)
    // Parameters are leaves that require grad.
    #expect(layer.weight.value.requiresGrad && layer.weight.value.isLeaf)
}

@Test func linearInitIsSeeded() {
    let a = Linear(4, 3, generator: RandomGenerator(seed: 11))
    let b = Linear(4, 3, generator: RandomGenerator(seed: 11))
    let c = Linear(4, 3, generator: RandomGenerator(seed: 12))
    #expect(a.weight.value.toDoubles() == b.weight.value.toDoubles())
    #expect(a.bias!.value.toDoubles() == b.bias!.value.toDoubles())
    #expect(a.weight.value.toDoubles() != c.weight.value.toDoubles())
}

@Test func linearComputesXTimesWTransposedPlusB() {
    let layer = Linear(5, 3, generator: RandomGenerator(seed: 5))
    let x: [[Double]] = [[1, -2, 0.5, 3, 0], [0, 1, 1, -1, 2]]
    let xt = Tensor(shape: [2, 5], values: x.flatMap { $0 })
    let y = layer(xt)
    #expect(y.shape == [2, 3])
    let w = layer.weight.value.toDoubles()   // row-major [3, 5]
    let b = layer.bias!.value.toDoubles()
    let got = y.toDoubles()
    for i in 0..<2 {
        for j in 0..<3 {
            var expected = b[j]
            for k in 0..<5 { expected += x[i][k] * w[j * 5 + k] }
            #expect(abs(got[i * 3 + j] - expected) < 1e-5, "y[\(i), \(j)] = \(got[i * 3 + j]), expected \(expected)")
        }
    }
}

@Test func linearWithKnownWeights() {
    let layer = Linear(2, 2, generator: RandomGenerator(seed: 0))
    layer.weight.assign(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    layer.bias!.assign(Tensor([0.5, -0.5]))
    // [1, 1]·Wᵀ = [3, 7]; + b = [3.5, 6.5].  [2, -1]·Wᵀ = [0, 2]; + b = [0.5, 1.5].
    let y = layer(Tensor([[1.0, 1.0], [2.0, -1.0]]))
    #expect(y.toDoubles() == [3.5, 6.5, 0.5, 1.5])
    // Leading batch dimensions are kept.
    let y3 = layer(Tensor([[[1.0, 1.0]], [[2.0, -1.0]]]))
    #expect(y3.shape == [2, 1, 2])
    #expect(y3.toDoubles() == [3.5, 6.5, 0.5, 1.5])
}

@Test func linearWithoutBias() {
    let layer = Linear(3, 2, bias: false, generator: RandomGenerator(seed: 9))
    #expect(layer.bias == nil)
    #expect(layer.namedParameters().map(\.name) == ["weight"])
    #expect(layer.parameterCount == 6)
    // No bias: a zero input gives a zero output, and the map is linear.
    #expect(layer(Tensor.zeros([4, 3])).toDoubles() == Array(repeating: 0, count: 8))
    layer.weight.assign(Tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]))
    #expect(layer(Tensor([[1.0, 2.0, 3.0]])).toDoubles() == [-2, 4])
}

@Test func linearFloat64() {
    let layer = Linear(2, 1, dtype: .float64, generator: RandomGenerator(seed: 1))
    #expect(layer.weight.value.dtype == .float64 && layer.bias!.value.dtype == .float64)
    #expect(layer(Tensor([[1.0, 2.0]], dtype: .float64)).dtype == .float64)
}

// MARK: - Gradients

@Test func backwardFillsAndZeroGradClearsModuleGradients() {
    let model = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 6))
    for p in model.parameters() { #expect(p.grad == nil) }
    let x = Tensor.randn([5, 3], generator: RandomGenerator(seed: 8))
    model(x).sum().backward()
    for p in model.parameters() {
        #expect(p.grad?.shape == p.shape)
    }
    // d(sum y)/d b_out = number of rows for every output unit.
    #expect(model.parameters().last!.grad!.toDoubles() == [5, 5])

    model.zeroGrad()
    for p in model.parameters() { #expect(p.grad == nil) }
}

@Test func linearGradientsMatchHandDerivation() {
    let layer = Linear(2, 1, generator: RandomGenerator(seed: 0))
    layer.weight.assign(Tensor([[2.0, -1.0]]))
    layer.bias!.assign(Tensor([0.0]))
    // loss = Σᵢ (xᵢ·w + b): ∂w = Σᵢ xᵢ, ∂b = N.
    let x = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    layer(x).sum().backward()
    #expect(layer.weight.grad!.toDoubles() == [9, 12])
    #expect(layer.bias!.grad!.toDoubles() == [3])
    // A second backward accumulates.
    layer(x).sum().backward()
    #expect(layer.weight.grad!.toDoubles() == [18, 24])
    layer.zeroGrad()
    #expect(layer.weight.grad == nil && layer.bias!.grad == nil)
}

@Test func parameterAssignKeepsIdentityShapeAndDtype() {
    let p = Parameter(Tensor([1.0, 2.0]))
    p.assign(Tensor([3.0, 4.0], dtype: .float64))
    #expect(p.value.dtype == .float32)
    #expect(p.value.toDoubles() == [3, 4])
    #expect(p.value.requiresGrad && p.value.isLeaf)
    #expect(p.count == 2 && p.shape == [2])
}

// MARK: - More member kinds

private class Base: Module {
    let encoder = Encoder()
    let gain = Parameter(Tensor.ones([1]))
}

private final class Derived: Base {
    let extra = Parameter(Tensor.zeros([2]))
    let head = Encoder()
}

@Test func inheritedMembersComeFirstAsDeclared() {
    // Base's stored properties are declared (and initialised) before Derived's, as in PyTorch
    // where super().__init__() registers them first.
    let m = Derived()
    #expect(m.namedParameters().map(\.name) == ["gain", "extra", "encoder.weight", "head.weight"])
    #expect(m.namedChildren.map(\.name) == ["encoder", "head"])
}

private final class ParameterList: Module {
    let weights = [Parameter(Tensor.ones([2])), Parameter(Tensor.ones([3]))]
    let maybe: [Linear?] = [nil, Linear(1, 1, bias: false, generator: RandomGenerator(seed: 1))]
}

@Test func arraysOfParametersAndOptionalModules() {
    let m = ParameterList()
    #expect(m.namedParameters().map(\.name) == ["weights.0", "weights.1", "maybe.1.weight"])
    #expect(m.parameterCount == 6)
}

@Test func nestedSequentialNames() {
    let g = RandomGenerator(seed: 1)
    let model = Sequential(Linear(2, 3, generator: g), Sequential(ReLU(), Linear(3, 1, bias: false, generator: g)))
    #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "1.1.weight"])
    #expect(model(Tensor.zeros([4, 2])).shape == [4, 1])
}
