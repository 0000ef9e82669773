import Testing
@testable import Apus

/// Under `noGrad` a convolution keeps its packed (or Winograd-transformed) weight with the
/// weight's storage; an in-place write to the weight (an optimizer step, `setValue`) must drop it,
/// so inference after training never runs on a stale packing.
struct KeptWeightFormTests {
    /// A 3×3 stride-1 layer with enough tiles for Winograd, a 5×5 one (implicit GEMM) and a
    /// grouped one.
    static let layers: [(inChannels: Int, outChannels: Int, kernel: Int, groups: Int)] = [(16, 24, 3, 1), (8, 20, 5, 1), (16, 32, 3, 2)]

    @Test(arguments: 0..<layers.count)
    func inPlaceWritesDropTheKeptForm(_ index: Int) throws {
        let spec = Self.layers[index]
        let generator = RandomGenerator(seed: 7)
        let conv = Conv2d(spec.inChannels, spec.outChannels, kernelSize: IntPair(spec.kernel), padding: 1,
                          groups: spec.groups, generator: generator)
        let x = Tensor.randn([2, spec.inChannels, 20, 18], generator: generator)
        // Holding the storage would make the writes copy it: look it up each time instead.
        var derived: [DerivedForms.Key: Storage]? { conv.weight.value.storage.derived }
        let identity = ObjectIdentifier(conv.weight.value.storage)

        let reference = conv(x).detached()  // gradients on: packed afresh, nothing kept
        #expect(derived == nil)
        let first = noGrad { conv(x) }
        #expect(derived?.count == 1)
        #expect(first == reference)
        #expect(noGrad { conv(x) } == reference)  // from the kept form

        // An optimizer step writes the weight in place.
        let optimizer = SGD(conv.parameters(), lr: 0.5)
        (conv(x) * x.sum()).sum().backward()
        optimizer.step()
        #expect(ObjectIdentifier(conv.weight.value.storage) == identity)  // written in place
        #expect(derived == nil)
        let stepped = noGrad { conv(x) }
        #expect(stepped == conv(x).detached())
        #expect(stepped != reference)

        // setValue writes in place too.
        _ = noGrad { conv(x) }
        #expect(derived?.count == 1)
        noGrad { conv.weight.updateInPlace { $0.setValue(3, at: [0, 0, 0, 0]) } }
        #expect(derived == nil)
        #expect(ObjectIdentifier(conv.weight.value.storage) == identity)
        #expect(noGrad { conv(x) } == conv(x).detached())
    }
}
