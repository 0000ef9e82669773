import Testing
@testable import Apus

// Programmer errors stop the process with a message that says what went wrong. Each case runs
// in a child process (an exit test); the test checks its standard error for the key phrases.
// Messages come from `require`, which prints them in every build configuration.

@Suite struct AutogradErrorMessageTests {
    @Test func backwardOnNonScalarWithoutGradientNamesTheShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
            (x * x).backward()
        }
        let message = stderrText(result)
        #expect(message.contains("backward"))
        #expect(message.contains("one-element"))
        #expect(message.contains("shape [2, 2]"))
    }

    @Test func secondBackwardThroughAFreedGraph() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0]).requiringGrad()
            let y = (x * x).sum()
            y.backward()
            y.backward()
        }
        let message = stderrText(result)
        #expect(message.contains("second time"))
        #expect(message.contains("retainGraph"))
    }

    @Test func setValueOnATensorThatRequiresGrad() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var w = Tensor([1.0, 2.0]).requiringGrad()
            w.setValue(3, at: [0])
        }
        let message = stderrText(result)
        #expect(message.contains("setValue"))
        #expect(message.contains("in-place mutation"))
        #expect(message.contains("requires grad"))
        #expect(message.contains("noGrad"))
    }

    @Test func subscriptAssignmentOnATensorThatRequiresGrad() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var w = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
            w[0, 0..<2] = Tensor([0.0, 0.0])
        }
        let message = stderrText(result)
        #expect(message.contains("subscript assignment"))
        #expect(message.contains("in-place mutation"))
        #expect(message.contains("shape [2, 2]"))
    }

    @Test func inPlaceMutationOfAnOpResult() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0]).requiringGrad()
            var y = x * 2
            y.setValue(0, at: [1])
        }
        #expect(stderrText(result).contains("in-place mutation"))
    }

    @Test func backwardOnATensorWithoutGraph() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor([1.0]).sum().backward()
        }
        #expect(stderrText(result).contains("does not require grad"))
    }

    @Test func upstreamGradientOfTheWrongShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0]).requiringGrad()
            (x * 2).backward(Tensor([1.0, 1.0, 1.0]))
        }
        #expect(stderrText(result).contains("gradient of shape [3] does not match tensor of shape [2]"))
    }

    @Test func requiresGradOnIntegers() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor([1, 2]).requiringGrad()
        }
        let message = stderrText(result)
        #expect(message.contains("floating-point"))
        #expect(message.contains("int64"))
    }
}

@Suite struct ShapeErrorMessageTests {
    @Test func addShapeMismatchNamesTheOpAndBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([4])
        }
        let message = stderrText(result)
        #expect(message.contains("add: shapes [2, 3] and [4]"))
        #expect(message.contains("broadcast"))
    }

    @Test func multiplyShapeMismatchNamesMultiply() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3, 2]) * Tensor.zeros([3])
        }
        #expect(stderrText(result).contains("multiply: shapes [3, 2] and [3]"))
    }

    @Test func matmulMisalignedShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5]))
        }
        let message = stderrText(result)
        #expect(message.contains("matmul"))
        #expect(message.contains("[2, 3]") && message.contains("[4, 5]"))
        #expect(message.contains("not aligned"))
    }

    @Test func matmulBatchDimensionsThatDoNotBroadcast() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5]))
        }
        let message = stderrText(result)
        #expect(message.contains("matmul: batch dimensions of [2, 3, 4] and [3, 4, 5]"))
        #expect(message.contains("[2] and [3] cannot be broadcast"))
    }

    @Test func matmulOfVectorsShowsTheShapesAsGiven() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor.zeros([3]), Tensor.zeros([4]))
        }
        #expect(stderrText(result).contains("matmul: shapes [3] and [4] are not aligned (3 != 4)"))
    }

    @Test func reshapeToTheWrongElementCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshape([4])
        }
        let message = stderrText(result)
        #expect(message.contains("reshape"))
        #expect(message.contains("[2, 3]") && message.contains("[4]"))
        #expect(message.contains("6 elements"))
    }

    @Test func reshapeWithAnUninferableDimension() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).reshape([-1, 4])
        }
        #expect(stderrText(result).contains("cannot reshape tensor of shape [2, 3] into [-1, 4]"))
    }

    @Test func concatShapesDifferingOutsideTheAxis() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = concat([Tensor.zeros([2, 2]), Tensor.zeros([2, 3])])
        }
        #expect(stderrText(result).contains("concat: shapes [2, 2] and [2, 3] differ outside axis 0"))
    }

    @Test func indexOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3])[.all, 5]
        }
        #expect(stderrText(result).contains("index 5 out of range"))
    }

    @Test func axisOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).sum(axis: 2)
        }
        #expect(stderrText(result).contains("sum: axis 2 out of range for tensor of shape [2, 3]"))
    }

    /// A 0-d tensor takes axis 0 and −1, as in PyTorch (nothing is reduced); axis 1 is out of range.
    @Test func axisOfAZeroDimensionalTensor() async {
        #expect(Tensor(scalar: 2).sum(axis: 0).item() == 2)
        #expect(Tensor(scalar: 2).sum(axis: -1).shape == [])
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor(scalar: 2).sum(axis: 1)
        }
        let message = stderrText(result)
        #expect(message.contains("sum") && message.contains("1"))
    }

    @Test func concatOfZeroDimensionalTensors() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = concat([Tensor(scalar: 1), Tensor(scalar: 2)])
        }
        #expect(stderrText(result).contains("concat: zero-dimensional tensors cannot be concatenated; use stack"))
    }

    @Test func negatingBools() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = -Tensor([true, false])
        }
        #expect(stderrText(result).contains("neg: negation is not defined for bool tensors"))
    }

    @Test func itemOfAManyElementTensor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([3]).item()
        }
        #expect(stderrText(result).contains("item(): tensor of shape [3] has 3 elements"))
    }
}
