import Testing
@testable import Apus

// Wrong hyper-parameters and shapes stop with a message naming the op and the shapes; each case
// runs in a child process (an exit test) and checks its standard error.

@Suite struct PoolingErrorTests {
    @Test func kernelLargerThanThePaddedInput() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool2d(Tensor.zeros([1, 1, 4, 4]), kernelSize: 6)
        }
        let message = stderrText(result)
        #expect(message.contains("maxPool2d"))
        #expect(message.contains("larger than the padded input 4×4"))
        #expect(message.contains("[1, 1, 4, 4]"))
    }

    @Test func paddingMoreThanHalfTheKernel() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = avgPool2d(Tensor.zeros([2, 3, 8, 8]), kernelSize: 3, padding: 2)
        }
        let message = stderrText(result)
        #expect(message.contains("avgPool2d"))
        #expect(message.contains("padding 2×2 must be at most half the kernel size 3×3"))
        #expect(message.contains("[2, 3, 8, 8]"))
    }

    @Test func wrongRank() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MaxPool2d(2)(Tensor.zeros([4, 4]))
        }
        let message = stderrText(result)
        #expect(message.contains("maxPool2d: expected an input [N, C, H, W] or [C, H, W], got shape [4, 4]"))
    }

    @Test func maxPool1dKernelTooLargeNamesTheOneDimensionalShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = maxPool1d(Tensor.zeros([2, 3, 5]), kernelSize: 3, padding: 2)
        }
        let message = stderrText(result)
        #expect(message.contains("maxPool1d: padding 2 must be at most half the kernel size 3"))
        #expect(message.contains("[2, 3, 5]"))
    }

    @Test func upsampleNeedsFourAxes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = upsample(Tensor.zeros([3, 4, 4]), scaleFactor: 2)
        }
        #expect(stderrText(result).contains("upsample: expected a 4-d input [N, C, H, W], got shape [3, 4, 4]"))
    }

    @Test func alignCornersOnlyForBilinear() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Upsample(scaleFactor: 2, mode: .nearest, alignCorners: true)(Tensor.zeros([1, 1, 2, 2]))
        }
        #expect(stderrText(result).contains("alignCorners applies to bilinear and bicubic modes only"))
    }

    @Test func localResponseNormNeedsChannels() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = localResponseNorm(Tensor.zeros([4, 5]), size: 2)
        }
        #expect(stderrText(result).contains("localResponseNorm: expected an input [N, C, …] of rank 3 or more, got shape [4, 5]"))
    }
}
