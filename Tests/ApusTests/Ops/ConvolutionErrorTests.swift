import Testing
@testable import Apus

// Shape and hyper-parameter errors of the convolutions stop the process with a message naming
// the op and the shapes (exit tests: each case runs in a child process).

@Suite struct ConvolutionErrorTests {
    @Test func inputSmallerThanKernel() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(.zeros([1, 1, 2, 2]), weight: .zeros([1, 1, 3, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("conv2d"))
        #expect(message.contains("smaller than the dilated kernel (3 × 3)"))
        #expect(message.contains("[1, 1, 2, 2]"))
    }

    @Test func dilatedKernelLargerThanPaddedInput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(.zeros([1, 1, 5, 5]), weight: .zeros([1, 1, 3, 3]), padding: 1, dilation: 4)
        }
        let message = stderrText(result)
        #expect(message.contains("padded input (7 × 7) is smaller than the dilated kernel (9 × 9)"))
    }

    @Test func channelsDoNotMatchWeight() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(.zeros([1, 3, 5, 5]), weight: .zeros([4, 2, 3, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("conv2d"))
        #expect(message.contains("input of shape [1, 3, 5, 5] and weight of shape [4, 2, 3, 3] do not match"))
        #expect(message.contains("3 channels"))
    }

    @Test func groupsDoNotDivideChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(.zeros([1, 4, 5, 5]), weight: .zeros([6, 2, 3, 3]), groups: 3)
        }
        #expect(stderrText(result).contains("conv2d: groups 3 does not divide the 4 input channels"))
    }

    @Test func samePaddingNeedsStrideOne() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv2d(.zeros([1, 1, 5, 5]), weight: .zeros([1, 1, 3, 3]), stride: 2, padding: .same)
        }
        #expect(stderrText(result).contains("conv2d: padding .same needs stride 1"))
    }

    @Test func conv1dNamesItselfAndItsShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = conv1d(.zeros([2, 3, 10]), weight: .zeros([4, 2, 3]))
        }
        let message = stderrText(result)
        #expect(message.contains("conv1d: input of shape [2, 3, 10] and weight of shape [4, 2, 3] do not match"))
    }

    @Test func convTransposeOutputPaddingTooLarge() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = convTranspose2d(.zeros([1, 2, 3, 3]), weight: .zeros([2, 2, 3, 3]), stride: 2, outputPadding: 2)
        }
        #expect(stderrText(result).contains("convTranspose2d: outputPadding 2 must be smaller than the stride 2 or the dilation 1"))
    }

    @Test func layerRejectsWrongChannelCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv2d(3, 8, kernelSize: 3)(.zeros([1, 4, 8, 8]))
        }
        #expect(stderrText(result).contains("Conv2d(3→8): expected input [N, 3, H, W], got shape [1, 4, 8, 8]"))
    }
}
