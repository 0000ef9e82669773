import Foundation
import Testing
@testable import Apus

// Behaviour of the autograd engine: seeding, accumulation, grad mode, graph lifetime.
// (Per-op derivatives are checked numerically by the gradcheck tests.)

@Suite struct BackwardTests {
    @Test func scalarOutputNeedsNoSeed() {
        let x = Tensor([1.0, 2.0, 3.0]).requiringGrad()
        (x * x).sum().backward()
        #expect(x.grad?.toDoubles() == [2, 4, 6])
    }

    @Test func chainRule() {
        // d/dx Σ (3x + 1)² = 6(3x + 1)
        let x = Tensor([0.0, 1.0, -1.0]).requiringGrad()
        pow(3 * x + 1, 2).sum().backward()
        #expect(x.grad?.toDoubles() == [6, 24, -12])
    }

    @Test func oneElementNonScalarOutput() {
        let x = Tensor([[2.0]]).requiringGrad()
        (x * x * x).backward()  // shape [1, 1]: the implicit seed is ones([1, 1])
        #expect(x.grad?.toDoubles() == [12])
    }

    @Test func explicitUpstreamGradient() {
        let x = Tensor([1.0, 2.0, 3.0]).requiringGrad()
        let y = x * 3
        y.backward(Tensor([1.0, 0.5, 2.0]))
        #expect(x.grad?.toDoubles() == [3, 1.5, 6])
    }

    @Test func explicitUpstreamGradientThroughATranspose() {
        let x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).requiringGrad()
        let g = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        x.T.backward(g)
        #expect(x.grad?.shape == [2, 3])
        #expect(x.grad?.toDoubles() == [1, 3, 5, 2, 4, 6])
    }

    @Test func upstreamGradientIsConvertedToTheOutputType() {
        let x = Tensor([1.0, 2.0], dtype: .float64).requiringGrad()
        (x * x).backward(Tensor([1.0, 1.0]))  // float32 seed for a float64 output
        #expect(x.grad?.dtype == .float64)
        #expect(x.grad?.toDoubles() == [2, 4])
    }

    @Test func backwardOnALeaf() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        x.backward(Tensor([0.5, 0.25]))
        #expect(x.grad?.toDoubles() == [0.5, 0.25])
    }
}

@Suite struct AccumulationTests {
    @Test func tensorUsedByTwoOpsGetsBothContributions() {
        // d/dx Σ (x·x + x) = 2x + 1
        let x = Tensor([1.0, -2.0, 0.5]).requiringGrad()
        (x * x + x).sum().backward()
        #expect(x.grad?.toDoubles() == [3, -3, 2])
    }

    @Test func diamondGraph() {
        // a = 2x, b = a + a²: db/dx = 2 + 2a·2 = 2 + 8x
        let x = Tensor([1.0, 0.5]).requiringGrad()
        let a = x * 2
        (a + a * a).sum().backward()
        #expect(x.grad?.toDoubles() == [10, 6])
    }

    @Test func twoBackwardCallsAddUp() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        (x * 2).sum().backward()
        (x * 3).sum().backward()
        #expect(x.grad?.toDoubles() == [5, 5])
    }

    @Test func zeroGradClears() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        (x * 2).sum().backward()
        x.zeroGrad()
        #expect(x.grad == nil)
        (x * 3).sum().backward()
        #expect(x.grad?.toDoubles() == [3, 3])
        x.grad = nil
        #expect(x.grad == nil)
    }

    @Test func copiesOfALeafShareItsGradient() {
        // Tensor is a value type, but a copy is the same leaf (as a Python reference would be).
        let x = Tensor([1.0]).requiringGrad()
        let alias = x
        (alias * 4).sum().backward()
        #expect(x.grad?.toDoubles() == [4])
    }

    @Test func broadcastGradientsReduceToTheLeafShape() {
        let b = Tensor([1.0, 2.0, 3.0]).requiringGrad()       // [3]
        let w = Tensor([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]).requiringGrad()  // [2, 3]
        (w + b).sum().backward()
        #expect(b.grad?.shape == [3] && b.grad?.toDoubles() == [2, 2, 2])
        #expect(w.grad?.shape == [2, 3] && w.grad?.toDoubles() == [1, 1, 1, 1, 1, 1])

        let col = Tensor([[1.0], [2.0]]).requiringGrad()     // [2, 1]
        let row = Tensor([[1.0, 10.0, 100.0]]).requiringGrad()  // [1, 3]
        (col * row).sum().backward()
        #expect(col.grad?.shape == [2, 1] && col.grad?.toDoubles() == [111, 111])
        #expect(row.grad?.shape == [1, 3] && row.grad?.toDoubles() == [3, 3, 3])
    }

    @Test func leafGradHasTheLeafsShapeAndDtype() {
        let x = Tensor.ones([2, 3, 4], dtype: .float64).requiringGrad()
        x.sum(axis: 1).mean().backward()
        #expect(x.grad?.shape == [2, 3, 4])
        #expect(x.grad?.dtype == .float64)
        #expect(x.grad?.toDoubles() == [Double](repeating: 1.0 / 8, count: 24))
    }

    @Test func gradientsThroughViewsLandInTheRightPlaces() {
        let x = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).requiringGrad()
        (x[.all, 1] * Tensor([10.0, 100.0])).sum().backward()
        #expect(x.grad?.toDoubles() == [0, 10, 0, 0, 100, 0])
        let y = Tensor([1.0, 2.0, 3.0, 4.0]).requiringGrad()
        y.reshape([2, 2]).T[0].sum().backward()  // y[0] and y[2]
        #expect(y.grad?.toDoubles() == [1, 0, 1, 0])
    }

    @Test func gradientFlowsThroughCasts() {
        let x = Tensor([1.5, 2.5]).requiringGrad()  // float32
        (x.cast(to: .float64) * Tensor([2.0, 4.0], dtype: .float64)).sum().backward()
        #expect(x.grad?.dtype == .float32)
        #expect(x.grad?.toDoubles() == [2, 4])
    }
}

@Suite struct GradModeTests {
    @Test func noGradRecordsNothing() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        #expect(GradMode.isEnabled)
        let y = noGrad { () -> Tensor in
            #expect(!GradMode.isEnabled)
            return x * 2 + 1
        }
        #expect(GradMode.isEnabled)
        #expect(!y.requiresGrad)
        #expect(y.gradFunctionName == nil && y.isLeaf)
        #expect(y.toDoubles() == [3, 5])
    }

    @Test func enableGradInsideNoGrad() {
        let x = Tensor([1.0]).requiringGrad()
        let y = noGrad { enableGrad { x * 2 } }
        #expect(y.gradFunctionName == "multiply")
        let z = noGrad { enableGrad { noGrad { x * 2 } } }
        #expect(!z.requiresGrad)
    }

    @Test func detachedCutsTheGraphButSharesStorage() {
        let x = Tensor([1.0, 3.0]).requiringGrad()
        let d = x.detached()
        #expect(!d.requiresGrad && d.grad == nil)
        #expect(d.storage === x.storage)
        #expect(d.toDoubles() == [1, 3])
        // Only the non-detached factor passes gradient: d/dx (stop(x) · x) = x.
        (x.detached() * x).sum().backward()
        #expect(x.grad?.toDoubles() == [1, 3])
    }

    @Test func requiresGradFlags() {
        let plain = Tensor([1.0])
        #expect(!plain.requiresGrad && plain.isLeaf && plain.grad == nil)
        let other = Tensor([2.0])
        #expect((plain * other).gradFunctionName == nil && !(plain * other).requiresGrad)
        var leaf = plain.requiringGrad()
        #expect(leaf.requiresGrad && leaf.isLeaf && leaf.gradFunctionName == nil)
        #expect(!plain.requiresGrad)  // requiringGrad() makes a new leaf
        let y = leaf * 2
        #expect(y.requiresGrad && !y.isLeaf && y.grad == nil)
        #expect(y.gradFunctionName == "multiply")
        leaf.requiresGrad = false
        #expect(!leaf.requiresGrad)
    }

    @Test func nonLeafHasNoGradAfterBackward() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        let h = x * 3
        (h * h).sum().backward()
        #expect(h.grad == nil)
        #expect(x.grad?.toDoubles() == [18, 36])  // 2·(3x)·3
    }

    @Test func mutatingALeafInsideNoGradLeavesSavedValuesIntact() {
        // An optimizer step after forward: the graph saved the old values (copy-on-write).
        var w = Tensor([1.0, 2.0]).requiringGrad()
        let loss = (w * w).sum()
        noGrad { w.setValue(10, at: [0]) }
        #expect(w.toDoubles() == [10, 2])
        loss.backward()
        #expect(w.grad?.toDoubles() == [2, 4])  // 2·w at forward time
    }
}

@Suite struct GraphLifetimeTests {
    @Test func retainGraphAllowsASecondBackward() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        let y = (x * x).sum()
        y.backward(retainGraph: true)
        y.backward()
        #expect(x.grad?.toDoubles() == [4, 8])
    }

    @Test func freshGraphsCanBeBuiltFromTheSameLeaf() {
        let x = Tensor([3.0]).requiringGrad()
        for _ in 0..<3 { (x * x).sum().backward() }
        #expect(x.grad?.toDoubles() == [18])
    }

    @Test func deepChainOfTenThousandAdds() {
        let x = Tensor([1.0]).requiringGrad()
        var y = x
        for _ in 0..<10_000 { y = y + 1 }
        #expect(y.item() == 10_001)
        y.sum().backward()
        #expect(x.grad?.toDoubles() == [1])
    }

    @Test func deepChainIsReleasedWithoutRecursion() {
        // Dropping a graph 20 000 ops deep must not free it node by node recursively: on a
        // thread with a 512 KiB stack that recursion would overflow. Built and dropped twice:
        // once after backward (closures freed) and once never backpropagated.
        let x = Tensor([1.0]).requiringGrad()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                var y = x
                for _ in 0..<20_000 { y = y * 1 }
                y.sum().backward()
            }
            do {
                var y = x
                for _ in 0..<20_000 { y = y + 1 }
            }
            done.signal()
        }
        thread.stackSize = 1 << 19
        thread.start()
        done.wait()
        #expect(x.grad?.toDoubles() == [1])
    }
}
