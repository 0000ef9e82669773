import Testing
@testable import Apus

/// A module with a parameter, a buffer and a child, to check names and order.
private final class WithBuffer: Module {
    let scale = Parameter(.ones([2]))
    let count = Buffer(.zeros([], dtype: .int64))
    let head = Linear(2, 1, generator: RandomGenerator(seed: 1))
}

struct StateDictTests {
    @Test func namesFollowPyTorchWithParametersBeforeBuffers() {
        let m = WithBuffer()
        #expect(m.stateDict().map(\.name) == ["scale", "head.weight", "head.bias", "count"])
        #expect(m.namedBuffers().map(\.name) == ["count"])
        #expect(m.parameterCount == 5)  // buffers are not parameters
    }

    @Test func loadRestoresValuesIntoAnotherModel() throws {
        let a = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1))
        let b = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 2))
        #expect(a.stateDict()[0].tensor != b.stateDict()[0].tensor)
        try b.loadStateDict(Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.name, $0.tensor) }))
        for (x, y) in zip(a.stateDict(), b.stateDict()) {
            #expect(x.name == y.name && x.tensor == y.tensor)
        }
        let x = Tensor.ones([1, 3])
        #expect(a(x) == b(x))
    }

    @Test func mismatchesAreListedAndNothingChanges() {
        let m = WithBuffer()
        let before = m.stateDict()
        let state: [String: Tensor] = ["scale": .zeros([3]), "head.weight": .zeros([1, 2]), "extra": .zeros([1])]
        #expect {
            try m.loadStateDict(state)
        } throws: { error in
            let text = "\(error)"
            return text.contains("missing: head.bias, count") && text.contains("unexpected: extra")
                && text.contains("scale (expected [2], found [3])")
        }
        #expect(zip(before, m.stateDict()).allSatisfy { $0.tensor == $1.tensor })
    }

    @Test func nonStrictLoadsWhatIsThereAndReportsTheRest() throws {
        let m = WithBuffer()
        let report = try m.loadStateDict(["count": Tensor(shape: [], values: [7], dtype: .int64), "other": .zeros([1]),
                                          "head.weight": .ones([3, 2]), "head.bias": Tensor([0.5])], strict: false)
        #expect(m.count.value.item() == 7)
        #expect(m.scale.value.toDoubles() == [1, 1])
        #expect(m.head.bias!.value.toDoubles() == [0.5])
        // A tensor of another shape is skipped, not an error, and reported with the names left alone.
        #expect(m.head.weight.value.shape == [1, 2] && m.head.weight.value != .ones([1, 2]))
        #expect(report == StateMismatch(missing: ["scale"], unexpected: ["other"],
                                        wrongShape: [.init(name: "head.weight", expected: [1, 2], found: [3, 2])]))
        // A state that fits reports nothing.
        let full = Dictionary(uniqueKeysWithValues: WithBuffer().stateDict().map { ($0.name, $0.tensor) })
        #expect(try m.loadStateDict(full, strict: false).isEmpty)
        #expect(try m.loadStateDict(full).isEmpty)
    }

    @Test func adamStateRoundTripsAndResumesIdentically() throws {
        func run(_ steps: Int, _ p: Parameter, _ opt: Adam) {
            for _ in 0..<steps {
                opt.zeroGrad()
                (p.value * p.value).sum().backward()
                opt.step()
            }
        }
        let p1 = Parameter(Tensor([1.0, -2.0, 3.0])), a1 = Adam([p1], lr: 0.1)
        run(5, p1, a1)
        let p2 = Parameter(p1.value.detached()), a2 = Adam([p2], lr: 0.5)
        try a2.loadStateDict(Dictionary(uniqueKeysWithValues: a1.stateDict().map { ($0.name, $0.tensor) }))
        #expect(a2.lr == 0.1)
        run(3, p1, a1)
        run(3, p2, a2)
        #expect(p1.value == p2.value)
        #expect(a1.stateDict().map(\.name) == ["param_groups.0.lr", "state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq"])
        #expect(a1.stateDict()[1].tensor.item() == 8)
    }

    @Test func sgdMomentumStateRoundTrips() throws {
        let p1 = Parameter(Tensor([1.0, 2.0])), s1 = SGD([p1], lr: 0.1, momentum: 0.9)
        for _ in 0..<3 { s1.zeroGrad(); (p1.value * p1.value).sum().backward(); s1.step() }
        let p2 = Parameter(p1.value.detached()), s2 = SGD([p2], lr: 0.1, momentum: 0.9)
        try s2.loadStateDict(Dictionary(uniqueKeysWithValues: s1.stateDict().map { ($0.name, $0.tensor) }))
        for (p, s) in [(p1, s1), (p2, s2)] { s.zeroGrad(); (p.value * p.value).sum().backward(); s.step() }
        #expect(p1.value == p2.value)
    }

    @Test func optimizerStateWithWrongKeysIsRejected() {
        let p = Parameter(Tensor([1.0, 2.0]))
        let adam = Adam([p])
        #expect(throws: ApusError.self) { try adam.loadStateDict(["state.3.exp_avg": .zeros([2])]) }
        #expect(throws: ApusError.self) { try adam.loadStateDict(["state.0.exp_avg": .zeros([5])]) }
        #expect(throws: ApusError.self) { try adam.loadStateDict(["state.0.exp_avg": .zeros([2])]) }  // step, exp_avg_sq missing
    }
}
