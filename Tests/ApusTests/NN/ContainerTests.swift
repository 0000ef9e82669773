// Identity, ModuleList and ModuleDict: PyTorch's state-dict keys for models written with them,
// round trips, freezing, summaries, and the list and dictionary operations.

import Foundation
import Testing
@testable import Apus

/// A small FCOS-like head written with the containers, as a PyTorch model would be:
/// `self.tower = nn.ModuleList([...]); self.heads = nn.ModuleDict({"cls": ..., "box": ...})`.
private final class Head: Module {
    let tower = ModuleList([Conv2d(4, 4, kernelSize: 3, padding: 1), GroupNorm(numGroups: 2, numChannels: 4),
                            Conv2d(4, 4, kernelSize: 3, padding: 1)])
    let heads = ModuleDict(["cls": Conv2d(4, 3, kernelSize: 1), "box": Conv2d(4, 2, kernelSize: 1)])
    let skip = Identity()

    override func forward(_ x: Tensor) -> Tensor {
        var h = x
        for layer in tower { h = relu(layer(h)) }
        h = h + skip(x)
        return concat([heads["cls"]!(h), heads["box"]!(h)], axis: 1)
    }
}

@Suite struct ContainerTests {
    @Test func stateDictKeysAreTorchs() {
        // torch: [k for k in Head().state_dict()] with the same declaration order.
        let expected = ["tower.0.weight", "tower.0.bias", "tower.1.weight", "tower.1.bias", "tower.2.weight", "tower.2.bias",
                        "heads.cls.weight", "heads.cls.bias", "heads.box.weight", "heads.box.bias"]
        let head = Head()
        #expect(head.stateDict().map(\.name) == expected)
        #expect(head.namedModules().map(\.name) == ["", "tower", "tower.0", "tower.1", "tower.2", "heads", "heads.cls", "heads.box", "skip"])
    }

    @Test func roundTripThroughAStateDict() throws {
        seed(1)
        let a = Head()
        seed(2)
        let b = Head()
        let x = Tensor.randn([1, 4, 5, 5], generator: RandomGenerator(seed: 3))
        #expect(a(x) != b(x))
        try b.loadStateDict(Dictionary(uniqueKeysWithValues: a.stateDict().map { ($0.name, $0.tensor) }))
        #expect(a(x) == b(x))
    }

    @Test func freezingAndSummaryReachTheMembers() {
        let head = Head()
        head.tower.freeze()
        #expect(head.tower.parameters().allSatisfy { !$0.requiresGrad })
        #expect(head.heads.parameters().allSatisfy { $0.requiresGrad })
        #expect(head.trainableParameters().count == 4)
        let s = summary(of: head, inputShape: [1, 4, 6, 6])
        #expect(s.layers.map(\.name) == ["tower.0", "tower.1", "tower.2", "skip", "heads.cls", "heads.box"])
        #expect(s.totalParameters == head.parameterCount)
        #expect(s.outputShape == [1, 5, 6, 6])
    }

    @Test func listOperations() {
        let list = ModuleList()
        #expect(list.isEmpty)
        list.append(Linear(2, 3))
        list.extend([ReLU(), Linear(3, 1)])
        #expect(list.count == 3)
        #expect(list[-1] === list[2])
        list.insert(Identity(), at: 1)
        #expect(list.map { String(describing: type(of: $0)) } == ["Linear", "Identity", "ReLU", "Linear"])
        #expect(list.stateDict().map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias"])
        list.remove(at: 1)
        #expect(list.stateDict().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        list[1] = Tanh()
        #expect(list[1] is Tanh)
        let x = Tensor.randn([4, 2], generator: RandomGenerator(seed: 4))
        #expect(list.reduce(x) { $1($0) }.shape == [4, 1])
        #expect(list.parameterCount == 9 + 4)
    }

    @Test func dictionaryOperations() {
        let dict = ModuleDict()
        dict["b"] = Linear(2, 2)
        dict["a"] = ReLU()
        #expect(dict.keys == ["b", "a"], "insertion order, not sorted")
        dict["b"] = Linear(2, 5)
        #expect(dict.keys == ["b", "a"], "replacing keeps the place")
        #expect((dict["b"] as? Linear)?.outFeatures == 5)
        #expect(dict.contains("a") && !dict.contains("c") && dict.count == 2)
        #expect(dict.stateDict().map(\.name) == ["b.weight", "b.bias"])
        #expect(dict.remove("b") is Linear)
        #expect(dict.keys == ["a"] && dict["b"] == nil)
        #expect(dict.map(\.key) == ["a"])
    }

    @Test func identityPassesItsInputThrough() {
        let x = Tensor.randn([2, 3], generator: RandomGenerator(seed: 5)).requiringGrad()
        let y = Identity()(x)
        #expect(y == x)
        y.sum().backward()
        #expect(x.grad! == Tensor.ones([2, 3]))
        #expect(Identity().stateDict().isEmpty)
    }

    @Test func containersRefuseWhatPyTorchRefuses() async {
        await #expect(processExitsWith: .failure) { _ = ModuleList([ReLU()])(Tensor.zeros([1])) }
        await #expect(processExitsWith: .failure) { _ = ModuleDict(["a": ReLU()])(Tensor.zeros([1])) }
        await #expect(processExitsWith: .failure) { _ = ModuleDict(["a.b": ReLU()]) }
        await #expect(processExitsWith: .failure) { _ = ModuleDict(["": ReLU()]) }
        await #expect(processExitsWith: .failure) { _ = ModuleList([ReLU()])[1] }
    }
}
